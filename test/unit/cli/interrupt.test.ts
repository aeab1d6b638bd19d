/**
 * `tokenwise tokens` answers Ctrl-C while it tokenizes (issue 18 item 4): the tokenizer runs in a
 * thread, the CLI's main thread stays free to handle SIGINT and ends it. Input: a megabyte of `a`
 * then `b` with the fixture tokenizer whose Split regex is `(a|aa)+$` (exponential backtracking:
 * without the thread the main thread sits in the regex and SIGINT is never handled).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths';

test('tokens: SIGINT during a catastrophic regex ends the CLI with exit code 130 (cancelled), long before the watchdog', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokenwise-sigint-'));
  const input = join(dir, 'input.txt');
  // 1 MB: the watchdog's budget is about 4 s, so an exit soon after SIGINT is SIGINT's doing.
  writeFileSync(input, 'a'.repeat(1_000_000) + 'b');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--require', join(repoRoot, 'test/fixtures/cli/announceWorker.cjs'), join(repoRoot, 'src/cli/main.ts'), 'tokens', input, '--tokenizer', join(repoRoot, 'test/fixtures/tokenize/catastrophic/tokenizer.json')],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  let sentAt = 0;
  let scheduled = false;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    // The thread is up; it loads the tiny tokenizer and enters the regex within a few ms. One
    // SIGINT only (a second one could land while the process is already exiting).
    if (!scheduled && stderr.includes('worker online')) {
      scheduled = true;
      setTimeout(() => ((sentAt = performance.now()), child.kill('SIGINT')), 300);
    }
  });
  // Watchdog of the test itself: a CLI that never starts a thread or ignores SIGINT is killed after 20 s.
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, ms: performance.now() - sentAt })),
  );
  clearTimeout(guard);
  rmSync(dir, { recursive: true, force: true });
  assert.ok(sentAt > 0, `SIGINT was never sent: ${stderr}`);
  assert.equal(exit.code, 130, `exit ${exit.code} ${exit.signal}: ${stderr}`);
  assert.doesNotMatch(stderr, /too slow/);
  // Generous bound (the goal is 200 ms; a loaded 2-core machine adds scheduling noise): without
  // the thread the CLI would answer only when the regex returns (hours for 1 MB).
  assert.ok(exit.ms < 1500, `exited ${exit.ms.toFixed(0)} ms after SIGINT`);
  console.log(`# exited ${exit.ms.toFixed(0)} ms after SIGINT`);
});
