import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OnnxEngine } from '../../../../../src/core/inference/onnx/engine';
import { repoRoot, modelFixturesDir } from '../../../helpers/paths';

const fixtures = modelFixturesDir;
const prompts = ['def main(argv):\n    return 0', 'export function add(a: number, b: number): number {\n', 'x = [1, 2, 3]'];

interface TModel {
  generate(options: Record<string, unknown>): Promise<{ tolist(): (number | bigint)[][] }>;
  dispose(): Promise<unknown>;
}

const models = join(repoRoot, 'models');
const cases: Array<[root: string, name: string]> = [
  [fixtures, 'tiny-llama-gqa'],
  [fixtures, 'tiny-llama-fp16'],
  [fixtures, 'tiny-llama-nopos'],
  // The shipped default model too.
  [models, 'tokenwise-code-small'],
];

for (const [root, name] of cases) {
  test(`greedy tokens match @huggingface/transformers generate() (${name})`, async () => {
    const tf = (await import('@huggingface/transformers')) as unknown as {
      env: { allowRemoteModels: boolean; localModelPath: string };
      AutoModelForCausalLM: { from_pretrained(id: string, o: Record<string, unknown>): Promise<TModel> };
      Tensor: new (type: string, data: BigInt64Array, dims: number[]) => unknown;
    };
    tf.env.allowRemoteModels = false;
    tf.env.localModelPath = root + '/';
    const reference = await tf.AutoModelForCausalLM.from_pretrained(name, { dtype: 'fp32', device: 'cpu', local_files_only: true });
    const engine = await OnnxEngine.load({ modelDir: join(root, name), provider: 'cpu', threads: 1 });
    try {
      for (const prompt of prompts) {
        const ids = engine.tokenizer.encodeText(prompt);
        const out = await reference.generate({
          input_ids: new tf.Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]),
          attention_mask: new tf.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
          max_new_tokens: 24,
          do_sample: false,
        });
        let expected = out.tolist()[0]!.slice(ids.length).map(Number);
        const eos = engine.infoSync.eosTokenIds;
        if (expected.length && eos.includes(expected[expected.length - 1]!)) expected = expected.slice(0, -1);
        const ours = await engine.generate(ids, { maxNewTokens: 24 });
        assert.deepEqual(ours.tokens, expected, `prompt ${JSON.stringify(prompt)}`);
        // the same prompt again comes from the prefix cache and must not change anything
        const again = await engine.generate(ids, { maxNewTokens: 24 });
        assert.deepEqual(again.tokens, expected);
        assert.equal(again.computedPromptTokens, 1);
      }
    } finally {
      await engine.dispose();
      await reference.dispose();
    }
  });
}
