import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete, type CompletionSession } from '../../../../src/core/completion/pipeline';
import { encodeSegments } from '../../../../src/core/completion/prompt/encode';
import type { FimTemplate } from '../../../../src/core/completion/prompt/templates';
import { fimTemplate } from '../../../../src/core/completion/prompt/templates';
import { PrefixIndex } from '../../../../src/core/completion/boundary/vocabulary';
import { ToyBpe, ToyLm, ToyModel } from '../../helpers/toyBpe';

const bpe = new ToyBpe('abc ', [['a', 'b'], ['b', 'c'], ['ab', 'c'], ['c', 'a'], [' ', 'a'], [' ', 'ab'], ['a', 'a'], [' ', 'b']], / ?[^ ]+| +/g, [
  '<|fim_prefix|>',
  '<|fim_suffix|>',
  '<|fim_middle|>',
  '<|endoftext|>',
]);
const model = new ToyModel(new ToyLm(bpe, 3));
const index = new PrefixIndex(bpe);
const fim = fimTemplate('tokenwise');
/** A session over the toy model: every capability, a context large enough for the tests. */
function toySession(m: Pick<ToyModel, 'nextLogprobs' | 'generate'>, template: FimTemplate): CompletionSession {
  const capabilities = { distribution: true, tokenLogprobs: false, entropy: true, exactRank: true, maxTopK: 10, candidateScoring: false, prefixCache: false };
  const info = { name: 'toy', maxContext: 4096, eosTokenIds: [], isDefault: false, capabilities } as unknown as CompletionSession['info'];
  const backend = { info: async () => info, nextLogprobs: (ids: readonly number[]) => m.nextLogprobs(ids), generate: m.generate.bind(m) } as unknown as CompletionSession['backend'];
  return { backend, info, tokenizer: Object.assign(bpe, { specialTokens: () => [] }), index, template };
}
const leftToRight: FimTemplate = { family: 'tokenwise', stopTokens: ['<eos>'], orders: ['psm'], build: (_o, prefix) => [{ kind: 'text', role: 'prefix', text: prefix }] };

test('naive, heal and exact all continue the prompt; exact can continue inside the last token', async () => {
  const results = new Map<string, string>();
  for (const mode of ['naive', 'heal', 'exact'] as const) {
    const r = await complete(toySession(model, leftToRight), { prefix: 'ab a', suffix: '', mode, order: 'psm', maxNewTokens: 6 });
    assert.equal(r.mode, mode);
    results.set(mode, r.raw);
  }
  // Naive conditions on the canonical [" a"]: the canonical LM can never put "b" right after it.
  assert.ok(!results.get('naive')!.startsWith('b'));
  assert.ok(results.get('exact')!.startsWith('b'), `exact: ${results.get('exact')}`);
});

test('exact equals naive at temperature 0 when the prompt ends where no token can merge across', async () => {
  // "abc" is a whole token that no longer token extends, and a space starts every next pre-token.
  for (const prefix of ['abc', 'ca abc', 'b abc']) {
    const naive = await complete(toySession(model, leftToRight), { prefix, suffix: '', mode: 'naive', order: 'psm', maxNewTokens: 8 });
    const exact = await complete(toySession(model, leftToRight), { prefix, suffix: '', mode: 'exact', order: 'psm', maxNewTokens: 8 });
    assert.equal(exact.raw, naive.raw, prefix);
  }
});

test('PSM moves the tail to the start of the middle; SPM continues the prefix', async () => {
  const psm = await complete(toySession(model, fim), { prefix: 'ab ca', suffix: ' c', mode: 'exact', order: 'psm', maxNewTokens: 4 });
  const spm = await complete(toySession(model, fim), { prefix: 'ab ca', suffix: ' c', mode: 'exact', order: 'spm', maxNewTokens: 4 });
  assert.equal(psm.order, 'psm');
  assert.equal(spm.order, 'spm');
  assert.ok(psm.boundaryForwards > 0 && spm.boundaryForwards > 0);
  const deepseek = await complete(toySession(model, { ...fim, orders: ['psm'] }), { prefix: 'ab', suffix: '', mode: 'naive', order: 'spm', maxNewTokens: 2 });
  assert.equal(deepseek.order, 'psm', 'a family without SPM falls back to PSM');
});

test('document text is never encoded as a special token; missing sentinels are a clear error', () => {
  const ids = encodeSegments(fim.build('psm', 'ab', 'c'), bpe);
  assert.equal(ids[0], bpe.specialId('<|fim_prefix|>'));
  assert.equal(ids.at(-1), bpe.specialId('<|fim_middle|>'));
  assert.throws(() => encodeSegments(fimTemplate('starcoder').build('psm', 'a', 'b'), bpe), /no special token <fim_prefix>/);
});

test('a time budget returns what was generated so far', async () => {
  const slow = {
    nextLogprobs: (t: readonly number[]) => model.nextLogprobs(t),
    generate: async (_ids: readonly number[], o: { signal?: AbortSignal; onToken?: (id: number) => void; maxNewTokens: number }) => {
      for (;;) {
        await new Promise((r) => setTimeout(r, 20));
        if (o.signal?.aborted) {
          const { CancelledError } = await import('../../../../src/core/base/errors');
          throw new CancelledError();
        }
        o.onToken?.(bpe.encode(new TextEncoder().encode('a'))[0]!);
      }
    },
  };
  const r = await complete(toySession(slow as never, leftToRight), { prefix: 'ab', suffix: '', mode: 'naive', order: 'psm', maxNewTokens: 100, timeBudgetMs: 150 });
  assert.equal(r.finishReason, 'time');
  assert.ok(r.raw.length >= 2 && /^a+$/.test(r.raw), r.raw);
});
