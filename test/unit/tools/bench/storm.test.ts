import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runStorm } from '../../../../src/tools/bench/storm';
import { defaultOrtMemoryOptions, ortMemoryOptions } from '../../../../src/core/inference/onnx/ort';
import { modelFixturesDir } from '../../helpers/paths';

test('ONNX Runtime memory: CPU arena and memory patterns are off by default, on only when asked for (benchmarks)', () => {
  assert.deepEqual(defaultOrtMemoryOptions, { cpuArena: false, memPattern: false });
  const saved = { ...process.env };
  try {
    delete process.env.TOKENWISE_ORT_ARENA;
    delete process.env.TOKENWISE_ORT_MEM_PATTERN;
    assert.deepEqual(ortMemoryOptions(), { cpuArena: false, memPattern: false });
    process.env.TOKENWISE_ORT_ARENA = '1';
    process.env.TOKENWISE_ORT_MEM_PATTERN = '1';
    assert.deepEqual(ortMemoryOptions(), { cpuArena: true, memPattern: true });
  } finally {
    process.env = saved;
  }
});

test('storm: overlapping requests, about half cancelled, none failing; the KV cache stays within its budget', async () => {
  for (const memory of [{ cpuArena: false, memPattern: false }, { cpuArena: true, memPattern: true }]) {
    const r = await runStorm({ requests: 120, concurrency: 16, modelDir: join(modelFixturesDir, 'tiny-llama-gqa'), threads: 1, kvCacheMB: 1, memory });
    assert.equal(r.requests, 120);
    assert.equal(r.failed, 0);
    assert.ok(r.cancelled > 10 && r.cancelled < 110, `${r.cancelled} cancelled`);
    assert.ok(r.kvCacheMB <= 1, `KV cache ${r.kvCacheMB} MB`);
    assert.deepEqual(r.memory, memory);
    assert.ok(r.rssAfterMB > 0 && r.rssPeakMB >= r.rssAfterMB);
  }
});
