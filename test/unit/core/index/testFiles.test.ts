/** Test files: recognised by a folder or a file name below the workspace root, never by the folder the workspace is in. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTestFile } from '../../../../src/core/index/testFiles';

test('test folders and test file names below the root are test files; API modules that help write tests are not', () => {
  const root = '/w/project';
  for (const path of ['tests/test_web.py', 'tornado/test/web_test.py', 'pkg/test_utils.py', 'pkg/util_test.py', 'pkg/tests.py', 'conftest.py', 'src/__tests__/store.ts', 'src/store.test.ts', 'src/store.spec.js', 'lib/parse-spec.mjs', 'e2e/login.ts'])
    assert.ok(isTestFile(`${root}/${path}`, root), path);
  for (const path of ['tornado/testing.py', 'numpy/testing/utils.py', 'src/contest.ts', 'src/latest.py', 'src/testable.ts', 'pkg/attest.py', 'src/specification.ts', '_pytest/python.py'])
    assert.ok(!isTestFile(`${root}/${path}`, root), path);
});

test('a workspace inside a folder called tests is not all tests', () => {
  assert.ok(!isTestFile('/home/me/tests/app/src/main.py', '/home/me/tests/app'));
  assert.ok(!isTestFile('file:///home/me/test/app/src/main.ts', 'file:///home/me/test/app/'));
  assert.ok(isTestFile('file:///home/me/test/app/test/main.ts', 'file:///home/me/test/app'));
});

test('a file outside the root is judged by its name alone', () => {
  assert.ok(!isTestFile('/elsewhere/tests/helpers.py', '/w/project'));
  assert.ok(isTestFile('/elsewhere/lib/test_helpers.py', '/w/project'));
});
