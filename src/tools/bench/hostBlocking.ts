/**
 * Extension-host blocking per keystroke on adversarial files (issue 18 item 4), measured through
 * the token view's own path: `TokenDocuments` over a `TokenizerClient` and a real tokenizer thread
 * (src/worker/tokenDocuments.ts, what src/editor/tokenView/model.ts adapts VS Code documents to).
 * Each simulated keystroke inserts one character in the middle of the file, mirrors the change
 * (`change`) and asks for the spans (`peek`, as the view's debounced redraw does), then waits for
 * the answer (spans, or the watchdog's error). The figure is the longest synchronous slice this
 * thread spent on the keystroke: the calls themselves and every message from the thread handled
 * (`onSlice`); an event-loop delay histogram (1 ms resolution) cross-checks it.
 *
 * For comparison, "before": the same keystroke re-tokenized on this thread (`retokenize`, what
 * the token view did on the extension host); not run for the catastrophic regex (about a minute).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { loadTokenizer, parseTokenizerSpec, retokenize, type TokenizerSpec } from '../../core/tokenize';
import { mulberry32 } from '../../core/base/numbers';
import { createTokenizerClient } from '../../worker/tokenizerClient';
import { TokenDocuments, type DocumentRef } from '../../worker/tokenDocuments';

export interface HostBlockingRow {
  file: string;
  tokenizer: string;
  chars: number;
  keystrokes: number;
  /** Longest synchronous slice on this thread for one keystroke (max over keystrokes), ms. */
  hostMaxMs: number;
  /** Event-loop delay max over the keystrokes (1 ms resolution), ms. */
  loopDelayMaxMs: number;
  /** Median time from keystroke to spans (or error) in the thread, ms. */
  answerMedianMs: number;
  /** What the answers were: `spans` or the error message. */
  outcome: string;
  /** Longest re-tokenization of one keystroke on this thread (the token view before), ms; null: not run. */
  beforeMaxMs: number | null;
}

interface Adversary {
  file: string;
  spec: TokenizerSpec;
  text: string;
  keystrokes: number;
  /** The character typed (for the regex: one that keeps it catastrophic). */
  key: string;
  before: boolean;
}

function base64Line(chars: number): string {
  const rand = mulberry32(7);
  const bytes = Buffer.alloc(Math.ceil((chars * 3) / 4));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rand() * 256);
  return bytes.toString('base64').slice(0, chars);
}

export function adversaries(root: string, options: { runChars?: number; lineChars?: number; keystrokes?: number } = {}): Adversary[] {
  const keystrokes = options.keystrokes ?? 20;
  const list: Adversary[] = [
    { file: `${(options.runChars ?? 100_000).toLocaleString('en-US')} × 'A'`, spec: { kind: 'tiktoken', encoding: 'o200k_base' }, text: 'A'.repeat(options.runChars ?? 100_000), keystrokes, key: 'A', before: true },
    { file: `${(options.lineChars ?? 1_000_000).toLocaleString('en-US')}-character base64 line`, spec: { kind: 'tiktoken', encoding: 'o200k_base' }, text: base64Line(options.lineChars ?? 1_000_000), keystrokes, key: 'A', before: true },
  ];
  const dir = join(root, 'test/fixtures/tokenize/catastrophic');
  if (existsSync(join(dir, 'tokenizer.json')))
    list.push({ file: "41 characters, Split regex (a|aa)+$", spec: parseTokenizerSpec(join(dir, 'tokenizer.json')), text: readFileSync(join(dir, 'input.txt'), 'utf8'), keystrokes: 3, key: 'a', before: false });
  return list;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
};

export async function runHostBlockingBench(root: string, options: { keystrokes?: number; runChars?: number; lineChars?: number; log?: (line: string) => void } = {}): Promise<HostBlockingRow[]> {
  const rows: HostBlockingRow[] = [];
  for (const adv of adversaries(root, options)) {
    options.log?.(`host blocking: ${adv.file}…`);
    let slice = 0;
    const client = createTokenizerClient({ onSlice: (ms) => (slice = Math.max(slice, ms)) });
    let waiting: ((outcome: string) => void) | undefined;
    const docs = new TokenDocuments(client, {
      maxFileSize: () => 1_000_000,
      onUpdate: () => waiting?.('spans'),
      onError: (_uri, message) => waiting?.(message),
    });
    try {
      const info = await client.load(adv.spec);
      docs.setTokenizer(info?.name);
      let text = adv.text;
      let version = 1;
      const doc = (): DocumentRef => {
        const t = text;
        return { uri: 'file:///adversary', version, length: t.length, getText: () => t };
      };
      const answer = () => new Promise<string>((resolve) => (waiting = resolve));
      // Open the file (not counted: the figure is per keystroke).
      const opened = answer();
      docs.peek(doc());
      await opened;
      const hostMs: number[] = [];
      const answerMs: number[] = [];
      const outcomes = new Set<string>();
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      for (let k = 0; k < adv.keystrokes; k++) {
        slice = 0;
        const at = Math.floor(text.length / 2) + k;
        const got = answer();
        // The editor's own edit of its text is not the token view's work: timed from the event on.
        text = text.slice(0, at) + adv.key + text.slice(at);
        version++;
        const t0 = performance.now();
        docs.change('file:///adversary', version, { start: at, oldEnd: at, text: adv.key });
        docs.peek(doc());
        const callMs = performance.now() - t0;
        const outcome = await got;
        answerMs.push(performance.now() - t0);
        hostMs.push(Math.max(callMs, slice));
        outcomes.add(outcome === 'spans' ? 'spans' : outcome.replace(/\(.*\)/, '(…)'));
      }
      delay.disable();
      let beforeMaxMs: number | null = null;
      if (adv.before) {
        // The token view before: the same keystrokes re-tokenized on this thread.
        const tok = loadTokenizer(adv.spec);
        let t = adv.text;
        let spans = tok.encodeSpans(t);
        beforeMaxMs = 0;
        for (let k = 0; k < Math.min(adv.keystrokes, 5); k++) {
          const at = Math.floor(t.length / 2) + k;
          t = t.slice(0, at) + adv.key + t.slice(at);
          const t0 = performance.now();
          spans = retokenize(tok, spans, t, { start: at, oldEnd: at, newEnd: at + 1 });
          beforeMaxMs = Math.max(beforeMaxMs, performance.now() - t0);
        }
      }
      rows.push({
        file: adv.file,
        tokenizer: info?.name ?? '?',
        chars: adv.text.length,
        keystrokes: adv.keystrokes,
        hostMaxMs: Math.max(...hostMs),
        loopDelayMaxMs: delay.max / 1e6,
        answerMedianMs: median(answerMs),
        outcome: [...outcomes].join('; '),
        beforeMaxMs,
      });
    } finally {
      client.dispose();
    }
  }
  return rows;
}

export function formatHostBlocking(rows: HostBlockingRow[]): string {
  const ms = (x: number | null) => (x === null ? '—' : x < 10 ? x.toFixed(2) : x.toFixed(0));
  const lines = [
    'Extension-host blocking per keystroke on adversarial files (token view path: tokenizer thread)',
    `  ${'file'.padEnd(38)} ${'tokenizer'.padEnd(12)} ${'keys'.padStart(4)} ${'host max ms'.padStart(11)} ${'loop max ms'.padStart(11)} ${'answer p50'.padStart(10)} ${'before ms'.padStart(9)}  outcome`,
  ];
  for (const r of rows)
    lines.push(`  ${r.file.padEnd(38)} ${r.tokenizer.slice(0, 12).padEnd(12)} ${String(r.keystrokes).padStart(4)} ${ms(r.hostMaxMs).padStart(11)} ${ms(r.loopDelayMaxMs).padStart(11)} ${ms(r.answerMedianMs).padStart(10)} ${ms(r.beforeMaxMs).padStart(9)}  ${r.outcome}`);
  return lines.join('\n');
}
