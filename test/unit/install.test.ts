/** Issue 17 item 12: install without npm warnings, the real Node requirement, no system upgrades. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './helpers/paths';

test('npm commands in the repository print no "Unknown project config" warning', () => {
  const r = spawnSync('npm', ['pkg', 'get', 'name'], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /Unknown (project|env|user) config/);
});

test('engines.node is the version scripts/check-node.mjs enforces', async () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } };
  const { minimumNode } = (await import(join(repoRoot, 'scripts/check-node.mjs'))) as { minimumNode: number[] };
  assert.equal(pkg.engines.node, `>=${minimumNode.join('.')}`);
  for (const script of ['scripts/start.mjs', 'scripts/run-unit-tests.mjs', 'test/e2e/run.mjs']) assert.match(readFileSync(join(repoRoot, script), 'utf8'), /checkNode\(/, script);
});

test('apt-get never upgrades installed packages and installs only what is missing', () => {
  for (const file of ['.ci/run', 'scripts/setup-code-server.mjs']) {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    const installs = text.split('\n').filter((l) => /apt-get.*install|'install', '-y'/.test(l) && !/^\s*(#|\/\/|\*)|log\(/.test(l));
    assert.ok(installs.length > 0, file);
    for (const line of installs) assert.match(line, /--no-upgrade/, `${file}: ${line.trim()}`);
  }
  assert.match(readFileSync(join(repoRoot, '.ci/run'), 'utf8'), /ONNXRUNTIME_NODE_INSTALL=skip/);
});

test('npm install needs no flag offline: onnxruntime-node\'s download script is denied, the others allowed', () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
  // Its postinstall fetches CUDA libraries from the internet and fails offline (the CPU build ships in the package).
  assert.equal(pkg.allowScripts?.['onnxruntime-node'], false);
  const r = spawnSync('npm', ['install-scripts', 'ls'], { cwd: repoRoot, encoding: 'utf8' });
  assert.doesNotMatch(r.stdout + r.stderr, /not yet covered by allowScripts/);
});
