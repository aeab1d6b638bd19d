/** Issue 17 item 14: tokenwise.modelPath / --model may name the ONNX file of a model (quantised variants). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxEngine } from '../../../../src/core/inference/onnx/engine';
import { resolveModelDir, splitModelPath } from '../../../../src/core/model/modelDir';
import { parseTokenizerSpec } from '../../../../src/core/tokenize';
import { shippedModelDir } from '../../helpers/paths';
import { tempDir } from '../../helpers/tempDir';

test('a model path naming onnx/model_q4f16.onnx loads that file from its model folder', async (t) => {
  const dir = join(tempDir(t, 'tw-modelfile-'), 'my-model');
  cpSync(shippedModelDir, dir, { recursive: true });
  copyFileSync(join(dir, 'onnx', 'model.onnx'), join(dir, 'onnx', 'model_q4f16.onnx'));
  const file = join(dir, 'onnx', 'model_q4f16.onnx');
  assert.deepEqual(splitModelPath(file), { dir, onnxFile: file });
  assert.deepEqual(resolveModelDir(file), { dir, isDefault: false, onnxFile: file });
  assert.throws(() => resolveModelDir(join(dir, 'onnx', 'model_missing.onnx')), /does not exist/);
  const engine = await OnnxEngine.load({ modelDir: file, provider: 'cpu', threads: 1, kvCacheMB: 8 });
  try {
    assert.equal(engine.infoSync.details.onnxFile, file);
    assert.equal(engine.infoSync.name, 'my-model');
  } finally {
    await engine.dispose();
  }
  const spec = parseTokenizerSpec('model', { modelDir: file });
  assert.equal(spec.kind === 'tokenizer.json' && spec.path, join(dir, 'tokenizer.json'));
});
