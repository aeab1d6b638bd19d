/** Beam search in the ONNX engine: batched beams over the tiled prefix KV, on the fixture models. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OnnxEngine } from '../../../../../src/core/inference/onnx/engine';
import { selectBeams } from '../../../../../src/core/inference/onnx/beams';
import { modelFixturesDir, shippedModelDir } from '../../../helpers/paths';

const engines: OnnxEngine[] = [];
async function load(dir: string): Promise<OnnxEngine> {
  const e = await OnnxEngine.load({ modelDir: dir, provider: 'cpu', threads: 1, kvCacheMB: 32 });
  engines.push(e);
  return e;
}
after(async () => {
  for (const e of engines) await e.dispose();
});

test('selectBeams ranks expansions by total logprob; a stop token finishes its parent', () => {
  const row = (values: Record<number, number>) => {
    const r = new Float32Array(6).fill(-50);
    for (const [k, v] of Object.entries(values)) r[Number(k)] = v;
    return r;
  };
  const parents = [
    { tokens: [1], tokenLogprobs: [-0.1], logprob: -0.1 },
    { tokens: [2], tokenLogprobs: [-1], logprob: -1 },
  ];
  const { live, stopped } = selectBeams(parents, [row({ 3: -2, 5: -0.2 }), row({ 4: -0.1 })], 2, new Set([5]));
  // -0.3 (parent 0 + stop), -1.1 (parent 1 + 4), -2.1 (parent 0 + 3)
  assert.deepEqual(stopped.map((s) => s.tokens), [[1]]);
  assert.deepEqual(live.map((b) => [b.parent, b.tokens]), [[1, [2, 4]], [0, [1, 3]]]);
  assert.ok(Math.abs(live[0]!.logprob - -1.1) < 1e-6);
});

for (const fixture of ['tiny-llama-gqa', 'tiny-llama-fp16', 'tiny-llama-nopos']) test(`beam width 1 is greedy decoding, and beam logprobs agree with score() (${fixture})`, async () => {
  const engine = await load(join(modelFixturesDir, fixture));
  const tol = fixture.includes('fp16') ? 3e-2 : 2e-3;
  const prompt = engine.tokenizer.encodeText('def read_lines(path):\n    with open(path) as f:\n');
  const greedy = await engine.generate(prompt, { maxNewTokens: 12, stopTokens: [] });
  const one = await engine.generateBeams(prompt, { width: 1, maxNewTokens: 12, stopTokens: [] });
  assert.equal(one.beams.length, 1);
  assert.deepEqual(one.beams[0]!.tokens, greedy.tokens);
  const four = await engine.generateBeams(prompt, { width: 4, maxNewTokens: 10, stopTokens: [] });
  assert.equal(four.beams.length, 4);
  assert.equal(new Set(four.beams.map((b) => b.tokens.join(','))).size, 4, 'beams are distinct');
  for (let i = 1; i < four.beams.length; i++) assert.ok(four.beams[i - 1]!.logprob >= four.beams[i]!.logprob);
  // Each beam's logprobs are the model's: the same as scoring the sequence.
  const scores = await engine.scoreCandidates(prompt, four.beams.map((b) => b.tokens));
  four.beams.forEach((b, i) => {
    b.tokenLogprobs.forEach((lp, j) => assert.ok(Math.abs(lp - scores[i]!.tokenLogprobs[j]!) < tol, `beam ${i} token ${j}: ${lp} vs ${scores[i]!.tokenLogprobs[j]}`));
  });
  // The best beam is at least as probable as greedy over the same length.
  const greedy10 = await engine.scoreCandidates(prompt, [greedy.tokens.slice(0, 10)]);
  assert.ok(four.beams[0]!.logprob >= greedy10[0]!.logprob - tol);
});

test('isComplete finishes a beam where it says; stop tokens end beams; the context bound holds', async () => {
  const engine = await load(shippedModelDir);
  const tok = engine.tokenizer;
  const prompt = tok.encodeText('def add(a, b):\n    return');
  const newline = (ids: readonly number[]) => tok.decode(ids).includes('\n');
  const r = await engine.generateBeams(prompt, { width: 3, maxNewTokens: 30, isComplete: newline });
  assert.ok(r.beams.length >= 1);
  for (const b of r.beams) {
    const text = tok.decode(b.tokens);
    if (b.finishReason === 'complete') {
      assert.ok(text.includes('\n'), JSON.stringify(text));
      assert.ok(!tok.decode(b.tokens.slice(0, -1)).includes('\n'), 'finished at the first line break');
    }
  }
  assert.ok(r.beams.some((b) => b.finishReason === 'complete'));
  const controller = new AbortController();
  controller.abort();
  const cut = await engine.generateBeams(prompt, { width: 2, maxNewTokens: 30, stopSignal: controller.signal });
  assert.ok(cut.beams.length >= 1 && cut.beams.every((b) => b.tokens.length === 1), 'a spent budget returns the first tokens');
});
