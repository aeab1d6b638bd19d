// Runs every unit test (test/unit/**/*.test.ts) with node:test; TypeScript is loaded through tsx.
// Extra arguments are passed to node (e.g. --test-name-pattern=tokens).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { checkNode } from './check-node.mjs';

checkNode('npm test');

const root = new URL('..', import.meta.url).pathname;
function collect(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return collect(path);
    return name.endsWith('.test.ts') ? [relative(root, path)] : [];
  });
}
const files = collect(join(root, 'test/unit')).sort();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...process.argv.slice(2), ...files], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
