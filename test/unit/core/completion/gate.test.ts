/**
 * Issue 17 item 6: the gate shows a suggestion only when it is plausible — the model's own
 * confidence (log-probabilities from the real shipped model) and no new parse error (real
 * tree-sitter grammars).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { OnnxEngine } from '../../../../src/core/inference/onnx/engine';
import { complete, createCompletionSession } from '../../../../src/core/completion/pipeline';
import { confidenceOf, gateSuggestion, keepsParse, shownEndInRaw } from '../../../../src/core/completion/gate';
import { shippedModelDir } from '../../helpers/paths';

const enginePromise = OnnxEngine.load({ modelDir: shippedModelDir, provider: 'cpu', threads: 1, kvCacheMB: 64 });
after(async () => (await enginePromise).dispose());

test('generate returns the log-probability of each token, equal to the distribution at that step', async () => {
  const engine = await enginePromise;
  const ids = engine.tokenizer.encodeText('def add(a, b):\n    return');
  for (const lookahead of [0, 4]) {
    const r = await engine.generate(ids, { maxNewTokens: 8, stopTokens: [], logprobs: true, lookahead });
    assert.equal(r.logprobs?.length, r.tokens.length);
    const seq = [...ids];
    for (const [i, t] of r.tokens.entries()) {
      const dist = await engine.nextLogprobs(seq);
      assert.ok(Math.abs(dist[t]! - r.logprobs![i]!) < 1e-3, `token ${i}: ${dist[t]} vs ${r.logprobs![i]}`);
      seq.push(t);
    }
  }
  assert.equal((await engine.generate(ids, { maxNewTokens: 2, stopTokens: [] })).logprobs, undefined, 'only when asked');
});

test('confidenceOf: the tokens of the shown part only', () => {
  const c = confidenceOf([-0.1, -0.3, -5], [3, 6, 9], shownEndInRaw('abcdef\nghi', 'abcdef'))!;
  assert.equal(c.tokens, 2);
  assert.ok(Math.abs(c.meanLogprob - -0.2) < 1e-9);
  assert.equal(c.minLogprob, -0.3);
  assert.ok(Math.abs(c.probability - Math.exp(-0.2)) < 1e-9);
  assert.equal(confidenceOf(undefined, [], 3), undefined);
});

test('keepsParse: a suggestion that breaks the parse is refused; unknown languages pass', async () => {
  const prefix = 'def area(w, h):\n    return w * ';
  const suffix = '\n\n\nprint(area(2, 3))\n';
  assert.equal(await keepsParse('python', prefix, suffix, 'h', 0), true);
  assert.equal(await keepsParse('python', prefix, suffix, 'h)) +', 0), false);
  assert.equal(await keepsParse('typescript', 'const x = f(', ');\n', 'a, b', 0), true);
  assert.equal(await keepsParse('typescript', 'const x = f(', ');\n', 'a, b}', 0), false);
  assert.equal(await keepsParse('plaintext', 'a', 'b', ')))', 0), true);
});

test('gateSuggestion: confidence below the threshold, or a broken parse, shows nothing', async () => {
  const ctx = { linePrefix: '    return w * ', lineSuffix: '', prefix: 'def area(w, h):\n    return w * ', suffix: '\n', languageId: 'python' };
  const decoded = { text: 'h', logprobs: [Math.log(0.4)], tokenEnds: [1] };
  assert.equal((await gateSuggestion('h', decoded, { ...ctx, minConfidence: 0.3 })).text, 'h');
  const low = await gateSuggestion('h', decoded, { ...ctx, minConfidence: 0.5 });
  assert.equal(low.text, '');
  assert.equal(low.suppressed, 'confidence');
  const broken = await gateSuggestion('h) ]', { ...decoded, text: 'h) ]' }, { ...ctx, minConfidence: 0 });
  assert.equal(broken.suppressed, 'syntax');
});

test('the pipeline reports the confidence of what it shows and applies minConfidence', async () => {
  const engine = await enginePromise;
  const session = await createCompletionSession(engine, engine.tokenizer);
  const request = { prefix: 'def double(value):\n    ret', suffix: '\n', mode: 'exact' as const, order: 'psm' as const, maxNewTokens: 16, languageId: 'python' };
  const shown = await complete(session, request);
  assert.ok(shown.text !== '', 'a suggestion without a threshold');
  assert.ok(shown.confidence && shown.confidence.probability > 0 && shown.confidence.probability <= 1);
  const withheld = await complete(session, { ...request, minConfidence: 1 });
  assert.equal(withheld.text, '');
  assert.equal(withheld.suppressed, 'confidence');
  assert.equal(withheld.candidate, shown.candidate);
});

test('gateSuggestion: a suggestion that breaks the parse is cut to its longest prefix that keeps it', async () => {
  const prefix = 'def double(value):\n    ret';
  const ctx = { linePrefix: '    ret', lineSuffix: '', prefix, suffix: '\n', languageId: 'python', minConfidence: 0 };
  const gated = await gateSuggestion('urn (x, 0', { text: 'urn (x, 0', logprobs: [-0.1], tokenEnds: [9] }, ctx);
  assert.equal(gated.text, 'urn');
  assert.equal(gated.suppressed, undefined);
});
