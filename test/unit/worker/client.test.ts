import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { WorkerClient, workerSyntax, type EngineState, type WorkerLike } from '../../../src/worker/client';
import { SyntaxService } from '../../../src/core/syntax';
import { CancelledError, TokenwiseError } from '../../../src/core/base/errors';
import type { EngineSettings } from '../../../src/core/protocol/engine';
import { repoRoot, modelFixturesDir } from '../helpers/paths';
import { scoreText } from '../../../src/core/entropy/scoreText';

const workerSource = join(repoRoot, 'src/worker/main.ts');
const settings: EngineSettings = { backend: 'embedded', modelPath: join(modelFixturesDir, 'tiny-llama-gqa'), executionProvider: 'cpu', threads: 1, kvCacheMB: 16 };

/**
 * The real worker entry point in a real worker thread (TypeScript through tsx). To simulate a
 * crash, a `generate` request for exactly 399 tokens makes the thread exit with code 7.
 */
function createWorker(): WorkerLike {
  const code = `require('tsx/cjs'); require(${JSON.stringify(workerSource)});
    require('node:worker_threads').parentPort.on('message', (m) => {
      if (m.type === 'request' && m.method === 'generate' && m.params.maxNewTokens === 399) process.exit(7);
    });`;
  return new Worker(code, { eval: true }) as unknown as WorkerLike;
}

function newClient() {
  const logs: string[] = [];
  const crashes: [string, boolean][] = [];
  const states: EngineState['kind'][] = [];
  const client = new WorkerClient({
    createWorker,
    log: (level, message) => logs.push(`${level}: ${message}`),
    onCrash: (reason, restarted) => crashes.push([reason, restarted]),
    onStateChange: (s) => states.push(s.kind),
    maxRestarts: 2,
  });
  return { client, logs, crashes, states };
}

test('worker client: load, typed requests, streaming, cancellation', async () => {
  const { client, logs, states } = newClient();
  try {
    const info = await client.load(settings);
    assert.equal(info.provider, 'cpu');
    assert.equal(info.name, 'tiny-llama-gqa');
    assert.deepEqual(states, ['loading', 'ready']);
    assert.ok(logs.includes('info: execution provider: cpu (1 thread)'));
    const scored = await scoreText(client, 'def f(x):\n    return x\n', { topK: 2 });
    assert.ok(scored.tokens.length > 5);
    assert.equal(scored.tokens[scored.tokens.length - 1]!.end, 'def f(x):\n    return x\n'.length);
    const streamed: number[] = [];
    const g = await client.generate([100, 101, 102], { maxNewTokens: 6, stopTokens: [], onToken: (t) => streamed.push(t) });
    assert.deepEqual(streamed, g.tokens);
    const controller = new AbortController();
    const pending = client.generate([100, 101], { maxNewTokens: 500, stopTokens: [], signal: controller.signal, onToken: () => controller.abort() });
    await assert.rejects(pending, CancelledError);
    // the worker is still usable after a cancellation
    assert.equal((await client.score([100, 101], { topK: 2, prependBos: false })).tokens[0]!.top.length, 2);
    const full = await client.nextLogprobs([100]);
    assert.ok(full instanceof Float32Array && full.length === (await client.info()).vocabSize, "full distribution crosses the worker boundary");
    // loading another model cancels the requests still running on the previous one
    const long = client.score(Array.from({ length: 20000 }, (_, i) => 100 + (i % 50)));
    await new Promise((r) => setTimeout(r, 30));
    const reloaded = client.load({ ...settings, modelPath: settings.modelPath.replace('gqa', 'nopos') });
    await assert.rejects(long, CancelledError);
    assert.equal((await reloaded).name, 'tiny-llama-nopos');
  } finally {
    await client.dispose();
  }
});

test('worker client: a dead worker is restarted, the model reloaded, and the crash reported', async () => {
  const { client, crashes, states } = newClient();
  try {
    await client.load(settings);
    const inFlight = client.generate([100], { maxNewTokens: 399, stopTokens: [], lookahead: 0 });
    await assert.rejects(inFlight, (e: unknown) => e instanceof TokenwiseError && /inference worker stopped \(exit code 7\)/.test(e.message));
    assert.equal(crashes.length, 1);
    assert.equal(crashes[0]![1], true);
    await client.whenReady();
    assert.equal(client.state.kind, 'ready');
    assert.ok((await client.tokenize('abc')).length > 0);
    assert.deepEqual(states, ['loading', 'ready', 'loading', 'ready']);
  } finally {
    await client.dispose();
  }
});

test('worker client: a model that cannot load is an error state with a one-line cause', async () => {
  const { client } = newClient();
  try {
    await assert.rejects(client.load({ ...settings, modelPath: '/nonexistent/model' }), /Model directory \/nonexistent\/model does not exist/);
    assert.equal(client.state.kind, 'error');
    await assert.rejects(scoreText(client, 'x'), /does not exist/);
  } finally {
    await client.dispose();
  }
});

test('worker client: after too many crashes it stops restarting and reports an error state', async () => {
  const { client, crashes } = newClient(); // maxRestarts: 2
  try {
    await client.load(settings);
    for (let i = 0; i < 3; i++) {
      await client.whenReady();
      await assert.rejects(client.generate([100], { maxNewTokens: 399 }), /inference worker stopped/);
    }
    assert.deepEqual(crashes.map((c) => c[1]), [true, true, false]);
    assert.equal(client.state.kind, 'error');
    await assert.rejects(client.whenReady(), /keeps stopping/);
  } finally {
    await client.dispose();
  }
});

test('the syntax service answers through the worker, with or without a model, as it does in-process', async () => {
  const { client } = newClient();
  const local = new SyntaxService();
  try {
    const syntax = workerSyntax(client);
    const doc = { uri: 'file:///w/a.py', version: 1, text: 'import os as o\n\nclass Box:\n    def put(self, item: int = 0) -> None:\n        o.path.join(item)\n', languageId: 'python' };
    const remote = await syntax.declarations(doc);
    assert.deepEqual(remote, await local.declarations(doc));
    assert.ok(remote.some((d) => d.name === 'put' && d.signature?.text.includes('item: int = 0')));
    assert.deepEqual(await syntax.tokens(doc), await local.tokens(doc));
    assert.deepEqual(await syntax.imports(doc), await local.imports(doc));
    // A later version of the same document is parsed incrementally in the worker.
    const edited = { ...doc, version: 2, text: doc.text.replace('put', 'store') };
    assert.ok((await syntax.declarations(edited)).some((d) => d.name === 'store'));
    assert.equal((await syntax.checkInsertion(edited, edited.text.length, 'def broken(:\n')).clean, false);
  } finally {
    local.dispose();
    await client.dispose();
  }
});
