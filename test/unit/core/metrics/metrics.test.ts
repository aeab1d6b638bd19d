// Every compression metric on hand-computed fixtures: spans built by hand (so each count is known),
// then the real tokenizers, syntax service and model for the integration checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { TokenSpans, TokenFlag, loadTokenizer, parseTokenizerSpec } from '../../../../src/core/tokenize';
import {
  codePoints,
  countLines,
  decodeFlopsPerToken,
  distribution,
  fileRow,
  flopsConfig,
  gzip9,
  histogram,
  identifiersFromSyntax,
  informationCapacity,
  loadComparisonTokenizers,
  measureText,
  metricsCsv,
  metricsJson,
  metricsModelFor,
  quantile,
  subwords,
  summarize,
  summarizeByLanguage,
  tokenizerCounts,
  type FileMetrics,
  type Identifier,
} from '../../../../src/core/metrics';
import { SyntaxService } from '../../../../src/core/syntax';
import { loadBackend } from '../../../../src/core/inference/factory';
import { findShippedModel } from '../../../../src/core/model/modelDir';
import { scoreText } from '../../../../src/core/entropy/scoreText';
import { repoRoot } from '../../helpers/paths';

/** Spans of `text` cut into `pieces` (they must concatenate to the text; ASCII), ids by piece text. */
function spansOf(text: string, pieces: string[], flags: number[] = []): TokenSpans {
  assert.equal(pieces.join(''), text);
  const ids = new Map<string, number>();
  const starts = [0];
  for (const p of pieces) starts.push(starts.at(-1)! + p.length);
  return new TokenSpans(
    'hand',
    Int32Array.from(pieces.map((p) => ids.get(p) ?? (ids.set(p, ids.size), ids.size - 1))),
    Int32Array.from(starts),
    Int32Array.from(starts),
    Uint8Array.from(pieces.map((_p, i) => flags[i] ?? 0)),
    true,
  );
}

// "fooBar = x\n": identifiers fooBar (sub-words foo|Bar) and x.
const text = 'fooBar = x\n';
const ids: Identifier[] = [
  { start: 0, end: 6, subwords: [[0, 3], [3, 6]] },
  { start: 9, end: 10, subwords: [[9, 10]] },
];

test('histogram quantiles are nearest-rank; mean from the exact sum', () => {
  const h = histogram(8);
  for (const v of [1, 2, 2, 3, 10]) h[Math.min(v, 8)]!++;
  assert.equal(quantile(h, 0.5), 2);
  assert.equal(quantile(h, 0.95), 8); // capped bin
  assert.deepEqual(distribution(h, 18), { mean: 3.6, median: 2, p95: 8 });
  assert.deepEqual(distribution(histogram(4), 0), { mean: 0, median: 0, p95: 0 });
});

test('lines, code points, sub-words', () => {
  assert.deepEqual(['', 'a', 'a\n', 'a\nb', '\n\n', 'a\r\nb\r\n'].map(countLines), [0, 1, 1, 2, 2, 2]);
  assert.equal(codePoints('😀a\u00e9'), 3);
  assert.deepEqual(subwords('parseHTTPResponse_v2'), ['parse', 'HTTP', 'Response', 'v2']);
  assert.deepEqual(subwords('__init__'), ['init']);
  assert.deepEqual(subwords('utf8Length'), ['utf8', 'Length']);
  assert.deepEqual(subwords('MAX_SIZE'), ['MAX', 'SIZE']);
});

test('token counts, whitespace and split-character shares, tokens per line (hand-cut spans)', () => {
  const c = tokenizerCounts(text, spansOf(text, ['foo', 'Bar', ' =', ' x', '\n'], [0, 0, 0, TokenFlag.splitEnd, 0]), ids);
  assert.equal(c.tokens, 5);
  assert.equal(c.whitespaceTokens, 1); // "\n"
  assert.equal(c.splitCharTokens, 1);
  assert.deepEqual(c.tokenBytes.slice(0, 4), [0, 1, 2, 2]); // "\n"; " =", " x"; "foo", "Bar"
  assert.deepEqual(c.tokensPerLine.slice(0, 6), [0, 0, 0, 0, 0, 1]); // one line with 5 tokens
  assert.equal(c.charsSum, 11);
  // Identifiers: fooBar in 2 tokens, x in 1 (" x"): 1.5 tokens per identifier, half of them split.
  assert.equal(c.identifiers, 2);
  assert.equal(c.identifierTokens, 3);
  assert.equal(c.splitIdentifiers, 1);
  assert.equal(c.touchingTokens, 3);
  assert.equal(c.crossingTokens, 0); // " x": leading whitespace is neutral
  assert.equal(c.impureTokens, 0);
  assert.deepEqual(c.worst, [{ name: 'fooBar', tokens: 2, pieces: ['foo', 'Bar'] }]);
});

test('purity: a token across two sub-words is impure, a token across the identifier boundary crosses it', () => {
  const c = tokenizerCounts(text, spansOf(text, ['fo', 'oB', 'ar =', ' x\n']), ids);
  assert.equal(c.touchingTokens, 4);
  assert.equal(c.crossingTokens, 1); // "ar =" holds "=" outside fooBar
  assert.equal(c.impureTokens, 2); // "oB" spans foo|Bar; "ar =" crosses
  assert.equal(c.identifierTokens, 4); // fooBar: fo, oB, ar =; x: " x\n"
  const s = summarize([file('a.py', 'python', [c])], 'hand').tokenizers[0]!;
  assert.equal(s.purity.all, 0.5);
  assert.equal(s.purity.identifierTokens, 0.5);
  assert.equal(s.purity.unique, 0.5); // 4 distinct touching ids, 2 impure
  assert.equal(s.crossingShare, 0.25);
  assert.equal(s.identifierTokensMean, 2);
  assert.equal(s.identifierSplitShare, 0.5);
  // Separators are neutral: "_b" inside a_b is pure; "a_b" in one token is not.
  const t2 = 'a_b';
  const id2: Identifier[] = [{ start: 0, end: 3, subwords: [[0, 1], [2, 3]] }];
  assert.equal(tokenizerCounts(t2, spansOf(t2, ['a', '_b']), id2).impureTokens, 0);
  assert.equal(tokenizerCounts(t2, spansOf(t2, ['a_b']), id2).impureTokens, 1);
});

function file(uri: string, language: string, tokenizers: FileMetrics['tokenizers'], bytes = 11, compressed = 10): FileMetrics {
  return { uri, language, bytes, chars: bytes, lines: 1, identifiersKnown: true, tokenizers, compressed: [{ name: 'gzip -9', bytes: compressed }], notes: [] };
}

test('premium, per-language summaries and compressor bits per byte add up over files', () => {
  const a = (n: number, name: string) => ({ ...tokenizerCounts(text, spansOf(text, ['fooBar', ' = x\n']), ids), tokens: n, tokenizer: name });
  const files = [file('a.py', 'python', [a(10, 'ref'), a(15, 'other')], 40, 20), file('b.ts', 'typescript', [a(30, 'ref'), a(30, 'other')], 120, 40)];
  const s = summarize(files, 'ref');
  assert.equal(s.tokenizers.find((t) => t.tokenizer === 'other')!.premium, 45 / 40);
  assert.equal(s.tokenizers.find((t) => t.tokenizer === 'ref')!.premium, 1);
  assert.equal(s.compression[0]!.bitsPerByte, (8 * 60) / 160);
  const langs = summarizeByLanguage(files, 'ref');
  assert.deepEqual(
    langs.map((l) => [l.language, l.summary.tokenizers.find((t) => t.tokenizer === 'other')!.premium]),
    [['typescript', 1], ['python', 1.5]],
  );
  const row = fileRow(files[0]!, 'ref');
  assert.equal(row.premium.other, 1.5);
  assert.equal(row.bytesPerToken.ref, 4);
  assert.equal(row.compression['gzip -9'], 4);
  assert.equal(summarize(files, 'missing').tokenizers[0]!.premium, null);
});

test('gzip -9 is zlib level 9 on the same bytes', () => {
  const bytes = new TextEncoder().encode('def f(x):\n    return x\n'.repeat(50));
  assert.equal(gzip9.compressedBytes(bytes), gzipSync(bytes, { level: 9 }).length);
});

test('decode FLOPs per token (flops.py, seq_len 0) and information capacity, by hand', () => {
  // d 4, 2 heads (d_k 2), 1 KV head (kv 2), d_ff 8, vocab 10, 1 layer, 2 generated tokens:
  // proj 2·4·4·2 + 2·4·2·2 = 96, MLP 6·4·8 = 192, attention 4·2·2·(2·1/2) = 16,
  // stack 2·(96 + 192) + 16 = 592, LM head 2·2·4·10 = 160 → 752 / 2 = 376.
  const c = flopsConfig({ hidden_size: 4, num_hidden_layers: 1, num_attention_heads: 2, num_key_value_heads: 1, intermediate_size: 8, vocab_size: 10 })!;
  assert.equal(decodeFlopsPerToken(c, 2), 376);
  assert.equal(flopsConfig({ hidden_size: 4 }), undefined);
  assert.equal(informationCapacity({ rawBitsPerToken: 24, nllBitsPerToken: 4, flopsPerToken: 1024, numeratorBias: -18 }), 0.2);
  assert.equal(informationCapacity({ rawBitsPerToken: 40, nllBitsPerToken: 3, flopsPerToken: 2 ** 37 }), 10 / 37); // b = −27
});

test('CSV and JSON exports: quoting, formula-looking cells, the CLI shape', () => {
  const f = file('file:///w/a,"b".py', 'python', [{ ...tokenizerCounts(text, spansOf(text, ['foo', 'Bar', ' =', ' x', '\n']), ids), tokenizer: 'o200k_base' }]);
  const row = { ...fileRow(f, 'o200k_base'), language: '=cmd' };
  const csv = metricsCsv([row]);
  const [header, line] = csv.trim().split('\n');
  assert.equal(header, 'file,language,bytes,lines,tokens o200k_base,bytes/token o200k_base,premium o200k_base,identifier split share o200k_base,bits/byte gzip -9');
  assert.equal(line, `"file:///w/a,""b"".py",'=cmd,11,1,5,2.2,1,0.5,7.272727`);
  const json = metricsJson({ summary: summarize([f], 'o200k_base'), languages: [], rows: [row] }) as Record<string, any>;
  assert.equal(json.files, 1);
  assert.equal(json.tokenizers.o200k_base.tokens, 5);
  assert.equal(json.tokenizers.o200k_base.identifierTokensMean, 1.5);
  assert.equal(json.gzipBitsPerByte, 7.2727);
  assert.equal(json.bitsPerByte, undefined);
  assert.equal(json.perFile.length, 1);
});

test('measureText with the real tokenizers and tree-sitter: identifiers and counts agree with the tokenizer', async () => {
  const src = 'import os\n\ndef parse_http_response(raw_bytes):\n    return os.path.join(raw_bytes)\n';
  const syntax = new SyntaxService();
  try {
    const [o200k] = loadComparisonTokenizers([], 'o200k_base');
    const m = await measureText({ uri: 'file:///w/a.py', text: src }, { tokenizers: [o200k!], syntax });
    assert.equal(m.language, 'python');
    assert.equal(m.identifiersKnown, true);
    const names = identifiersFromSyntax(src, await syntax.tokens({ uri: 'x.py', version: 0, text: src })).map((i) => src.slice(i.start, i.end));
    assert.deepEqual(names, ['os', 'parse_http_response', 'raw_bytes', 'os', 'path', 'join', 'raw_bytes']);
    const spans = o200k!.encodeSpans(src);
    const t = m.tokenizers[0]!;
    assert.equal(t.tokens, spans.count);
    assert.equal(m.bytes, Buffer.byteLength(src));
    assert.equal(t.identifiers, 7);
    // Tokens per identifier from the spans directly.
    let expected = 0;
    for (const i of identifiersFromSyntax(src, await syntax.tokens({ uri: 'x.py', version: 0, text: src }))) {
      const [a, b] = spans.indexRange(i.start, i.end);
      expected += b - a;
    }
    assert.equal(t.identifierTokens, expected);
    // A language without a grammar: no identifier figures, a note says why.
    const plain = await measureText({ uri: 'file:///w/notes.txt', text: 'hello world\n' }, { tokenizers: [o200k!], syntax });
    assert.equal(plain.identifiersKnown, false);
    assert.equal(plain.language, 'txt');
    assert.match(plain.notes[0]!, /no tree-sitter grammar/);
    assert.equal(summarize([plain], 'o200k_base').tokenizers[0]!.identifierTokensMean, null);
  } finally {
    syntax.dispose();
  }
  // "hello world" is two o200k tokens: 5.5 bytes per token.
  const o = loadTokenizer(parseTokenizerSpec('o200k_base'));
  assert.equal(o.encodeSpans('hello world').count, 2);
});

test('bits per byte under the model equal the engine scoring of `tokenwise entropy`', { timeout: 60_000 }, async () => {
  const modelDir = findShippedModel(repoRoot + '/src/core/model');
  assert.ok(modelDir, 'the shipped model is in the repository');
  const loaded = await loadBackend({ backend: 'embedded', modelPath: modelDir, executionProvider: 'cpu', threads: 1, kvCacheMB: 16 });
  try {
    const src = 'def area(width, height):\n    return width * height\n\n\nprint(area(3, 4))\n';
    const model = await metricsModelFor(loaded.backend, 256);
    const m = await measureText({ uri: 'file:///w/a.py', text: src }, { tokenizers: loadComparisonTokenizers([], 'o200k_base'), model });
    const reference = await scoreText(loaded.backend, src);
    assert.ok(m.model && m.model.complete);
    assert.ok(Math.abs(m.model.bits / m.model.bytes - reference.bitsPerByte) < 1e-6, `${m.model.bits / m.model.bytes} vs ${reference.bitsPerByte}`);
    const s = summarize([m], 'o200k_base');
    assert.equal(s.model!.rawBitsPerToken, (8 * m.model.bytes) / m.model.tokens);
    assert.ok(s.model!.flopsPerToken! > 1e6 && Number.isFinite(s.model!.informationCapacity));
  } finally {
    await loaded.backend.dispose();
  }
});
