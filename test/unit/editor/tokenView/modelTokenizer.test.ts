/** The token view's "model" tokenizer: the embedded model's, or the remote model's tokenizerPath, or a clear reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { modelTokenizerDescription, modelTokenizerSpec } from '../../../../src/editor/tokenView/modelTokenizer';
import { modelFixturesDir, shippedModelDir } from '../../helpers/paths';

const base = { modelPath: '', remoteModel: 'Qwen/Qwen2.5-Coder-7B', remoteTokenizerPath: '', shippedModel: shippedModelDir };

test('embedded: the configured model, else the shipped one', () => {
  assert.deepEqual(modelTokenizerSpec({ ...base, backend: 'embedded' }), { kind: 'tokenizer.json', path: join(shippedModelDir, 'tokenizer.json'), label: 'model (tokenwise-code-small)', addedTokens: 'ordinary' });
});

test("remote: the served model's tokenwise.remote.tokenizerPath (file or folder), never the shipped model's", () => {
  const dir = join(modelFixturesDir, 'tiny-llama-gqa');
  for (const path of [dir, join(dir, 'tokenizer.json')]) {
    const spec = modelTokenizerSpec({ ...base, backend: 'vllm', modelPath: shippedModelDir, remoteTokenizerPath: path });
    assert.deepEqual(spec, { kind: 'tokenizer.json', path: join(dir, 'tokenizer.json'), label: 'model (Qwen/Qwen2.5-Coder-7B)', addedTokens: 'ordinary' });
  }
  assert.match(modelTokenizerDescription({ ...base, backend: 'llamacpp', remoteTokenizerPath: dir }), /llamacpp model's tokenizer\.json/);
});

test('remote without tokenizerPath: a one-line reason naming the setting', () => {
  assert.throws(() => modelTokenizerSpec({ ...base, backend: 'ollama' }), /ollama server and tokenwise\.remote\.tokenizerPath is empty: set it to the served model's tokenizer\.json/);
  assert.match(modelTokenizerDescription({ ...base, backend: 'ollama' }), /^unavailable: set tokenwise\.remote\.tokenizerPath/);
});
