/**
 * `eval fim` over `tokenwise serve` (vLLM and llama.cpp APIs, with the tokenizer.json; llama.cpp
 * /infill without it) gives the embedded scores on the first HumanEval-infilling tasks: same
 * middles, so the same pass@1, exact match and edit similarity (programs run in the sandbox).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadBackend, type LoadedModel } from '../../../../src/core/inference/factory';
import { createCompletionSession } from '../../../../src/core/completion/pipeline';
import { startServer } from '../../../../src/cli/serve/server';
import { evaluateFim } from '../../../../src/tools/eval/fimEval';
import { loadInfillingTasks } from '../../../../src/tools/eval/humanEvalInfilling';
import { shippedModelDir } from '../../helpers/paths';

const tasks = loadInfillingTasks('/work/shared/data/human-eval-infilling/SingleLineInfilling.jsonl.gz').slice(0, 3);
const embedded = loadBackend({ backend: 'embedded', modelPath: shippedModelDir, executionProvider: 'cpu', threads: 1, kvCacheMB: 64 });
const served = loadBackend({ backend: 'embedded', modelPath: shippedModelDir, executionProvider: 'cpu', threads: 1, kvCacheMB: 64 });
const server = served.then((m) => startServer(m, { port: 0 }));
const opened: LoadedModel[] = [];
after(async () => {
  for (const m of opened) await m.backend.dispose();
  await (await server).close();
  await (await served).backend.dispose();
  await (await embedded).backend.dispose();
});

test('eval fim over tokenwise serve equals embedded on 3 HumanEval-infilling tasks (vLLM, llama.cpp, llama.cpp /infill)', async () => {
  const local = await embedded;
  const options = { order: 'psm' as const, maxNewTokens: 48, timeoutMs: 10_000, unsafeNoSandbox: false };
  const scores = (r: Awaited<ReturnType<typeof evaluateFim>>) => ({ tasks: r.tasks, passAt1: r.passAt1, exactMatch: r.exactMatch, editSimilarity: r.editSimilarity });
  for (const mode of ['exact', 'naive'] as const) {
    const want = scores(await evaluateFim(await createCompletionSession(local.backend, local.tokenizer), tasks, { ...options, mode }));
    assert.equal(want.tasks, 3);
    assert.ok(want.editSimilarity > 0, 'the middles are compared, not empty');
    for (const [backend, tokenizerPath] of [['vllm', join(shippedModelDir, 'tokenizer.json')], ['llamacpp', join(shippedModelDir, 'tokenizer.json')], ['llamacpp', undefined]] as const) {
      if (mode === 'exact' && !tokenizerPath) continue;
      const m = await loadBackend({ backend, url: (await server).url, model: '', kvCacheMB: 0, timeoutMs: 20_000, ...(tokenizerPath ? { tokenizerPath } : {}) }, { fetch: globalThis.fetch });
      opened.push(m);
      const got = scores(await evaluateFim(await createCompletionSession(m.backend, m.tokenizer), tasks, { ...options, mode }));
      assert.deepEqual(got, want, `${backend}${tokenizerPath ? '' : ' /infill'} ${mode}`);
    }
  }
});
