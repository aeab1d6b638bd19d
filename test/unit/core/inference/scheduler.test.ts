import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StepScheduler } from '../../../../src/core/inference/scheduler';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 17 item 3: background work (heat-map scoring) must not take the model in the gaps between
 * the steps of an interactive request (completion), or completion runs at one token per
 * background step.
 */
test('StepScheduler: background steps never run between the steps of an interactive request', async () => {
  const s = new StepScheduler();
  const trace: string[] = [];
  let stop = false;
  // Background: a long file scored in many steps, always one step waiting.
  const background = (async () => {
    while (!stop) await s.step('background', undefined, async () => { trace.push('b'); await sleep(3); });
  })();
  const background2 = (async () => {
    while (!stop) await s.step('background', undefined, async () => { trace.push('b'); await sleep(3); });
  })();
  try {
  await sleep(10);
  // Interactive: 20 decode steps with a little work between them (as generate does).
  const started = trace.length;
  for (let i = 0; i < 20; i++) {
    await s.step('interactive', undefined, async () => { trace.push('i'); await sleep(1); });
    await Promise.resolve();
  }
  const during = trace.slice(started).join('');
  // At most one background step (the one running when the request came) before the first interactive step.
  assert.match(during, /^b?i{20}$/, `interleaving: ${during}`);
  // Afterwards background work resumes.
  await sleep(60);
  assert.ok(trace.slice(started).join('').endsWith('b'), 'background resumes after the interactive request');
  } finally {
    stop = true;
    await Promise.all([background, background2]);
  }
});

test('StepScheduler: background work resumes after the grace period', async () => {
  const s = new StepScheduler(10);
  await s.step('interactive', undefined, async () => {});
  const t0 = performance.now();
  await s.step('background', undefined, async () => {});
  // With nothing else waiting the step runs at once; the grace only holds back queued background steps.
  assert.ok(performance.now() - t0 < 50);
});
