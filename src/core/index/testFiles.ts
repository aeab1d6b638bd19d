/**
 * Test files: what a project runs to check itself, not APIs anyone calls. The API search leaves
 * their symbols out (`ConnectorTest.test_connect_timeout` is no answer to "open a connection"),
 * while their call sites still count as usages of what they test.
 */

/** Folders that hold tests (below the workspace root, so a project checked out under `~/tests/` is not one). */
const testFolders: ReadonlySet<string> = new Set(['test', 'tests', '__tests__', '__test__', 'spec', 'specs', 'e2e']);

/** `test_x.py`, `x_test.py`, `tests.py`, `conftest.py`, `x.test.ts`, `x.spec.js`, `x_spec.rb`-style names. */
const testName = /^(test_.*\.pyi?|.*_tests?\.pyi?|tests?\.pyi?|conftest\.py|.*[._-](test|spec)s?\.[cm]?[jt]sx?)$/i;

/** Whether `uri` is a test file of the workspace at `root` (a folder or file name says so below the root). */
export function isTestFile(uri: string, root: string): boolean {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  // A file outside the root (an overlay, another scheme) is judged by its name alone.
  const parts = uri.startsWith(prefix) ? uri.slice(prefix.length).split('/') : [uri.slice(uri.lastIndexOf('/') + 1)];
  const name = parts.pop() ?? '';
  return testName.test(name) || parts.some((p) => testFolders.has(p.toLowerCase()));
}
