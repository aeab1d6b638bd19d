/** `tokenwise eval api --cases <file> --case-candidates N`: one JSON line per token-completion case with the documented fields. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../../src/cli/dispatcher';
import { cliCommands } from '../../../src/cli/commands';
import { fixturesDir } from '../helpers/paths';

const repo = join(fixturesDir, 'api/evalCases');

test('eval api --cases --case-candidates 3 writes one line per case: file, line, receiver, resolvedBy, target, member, rank, top 5, candidates', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-eval-cases-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const casesFile = join(dir, 'cases.jsonl');
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['eval', 'api', '--repo', repo, '--cases', casesFile, '--case-candidates', '3', '--json'], cliCommands, { stdout: (s) => void out.push(s), stderr: (s) => void err.push(s) }, 'test');
  assert.equal(code, 0, err.join(''));
  const report = JSON.parse(out.join('')) as { cases: number; accuracyAt1: number };
  const lines = readFileSync(casesFile, 'utf8').split('\n').filter(Boolean);
  assert.equal(lines.length, report.cases);
  assert.ok(report.cases >= 3, String(report.cases));
  const cases = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  let hits = 0;
  for (const c of cases) {
    assert.deepEqual(Object.keys(c), ['file', 'line', 'receiver', 'resolvedBy', 'target', 'member', 'rank', 'top', 'candidates']);
    assert.ok(typeof c.file === 'string' && !c.file.startsWith('/') && /^(src|store)\//.test(c.file), `relative to --repo: ${String(c.file)}`);
    assert.ok(Number.isInteger(c.line) && (c.line as number) >= 1);
    assert.ok(typeof c.receiver === 'string' && typeof c.resolvedBy === 'string' && typeof c.target === 'string' && typeof c.member === 'string');
    const top = c.top as string[];
    const rank = c.rank as number;
    assert.ok(top.length <= 5 && Number.isInteger(rank));
    if (rank >= 1 && rank <= 5) assert.equal(top[rank - 1], c.member);
    if (rank === 1) hits++;
    const candidates = c.candidates as Array<{ label: string; base: number; resolved: boolean; features: Record<string, number> }>;
    // The first 3, plus the hidden member when it ranks below them.
    assert.deepEqual(candidates.slice(0, 3).map((x) => x.label), top.slice(0, 3));
    assert.equal(candidates.length, Math.min(3, top.length) + (rank > 3 ? 1 : 0));
    if (rank > 3) assert.equal(candidates.at(-1)!.label, c.member);
    for (const x of candidates) assert.ok(typeof x.base === 'number' && typeof x.resolved === 'boolean' && x.features && typeof x.features === 'object');
  }
  assert.equal(hits / cases.length, report.accuracyAt1, 'the lines are the cases the report counts');
});
