import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './helpers/paths';

const root = repoRoot;
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|mts|cts|js)$/.test(name) ? [path] : [];
  });
}

test('src/core never imports vscode (core must run headless in the CLI and worker)', () => {
  const offenders = sources(join(root, 'src/core')).filter((file) =>
    /(from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/.test(readFileSync(file, 'utf8')),
  );
  assert.deepEqual(offenders, []);
});

test('only one module imports onnxruntime-node and only one imports tiktoken', () => {
  for (const pkg of ['onnxruntime-node', 'tiktoken']) {
    const importers = sources(join(root, 'src')).filter((file) =>
      new RegExp(`(from\\s+['"]${pkg}(/[^'"]*)?['"]|require\\(\\s*['"]${pkg}(/[^'"]*)?['"]\\s*\\))`).test(readFileSync(file, 'utf8')),
    );
    assert.ok(importers.length <= 1, `${pkg} imported by ${importers.join(', ')}`);
  }
});
