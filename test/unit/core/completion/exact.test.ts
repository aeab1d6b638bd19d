import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCovers, handOff, logSumExp, nextByteDistribution, specialPseudoByte, tailLogprob } from '../../../../src/core/completion/boundary/exact';
import { healGreedy, healingBackoff } from '../../../../src/core/completion/boundary/healing';
import { PrefixIndex, startsWith } from '../../../../src/core/completion/boundary/vocabulary';
import { ToyBpe, ToyLm, bytes } from '../../helpers/toyBpe';

const bpe = new ToyBpe('abc ', [
  ['a', 'b'],
  ['b', 'c'],
  ['ab', 'c'],
  ['c', 'a'],
  [' ', 'a'],
  [' ', 'ab'],
  ['a', 'a'],
  [' ', 'b'],
]);
const lm = new ToyLm(bpe, 7);
const index = new PrefixIndex(bpe);

/**
 * Brute force, independent of covers: walk every valid token sequence the toy LM can produce and
 * add the probability of each first sequence whose bytes start with `x`.
 */
function bruteForce(x: Uint8Array, model = lm): { total: number; eosAfterExact: number } {
  let total = 0;
  let eosAfterExact = 0;
  const walk = (tokens: number[], decoded: Uint8Array, logp: number) => {
    if (decoded.length >= x.length) {
      if (startsWith(decoded, x)) total += Math.exp(logp);
      if (decoded.length === x.length && startsWith(decoded, x)) eosAfterExact += Math.exp(logp + model.nextSync(tokens)[bpe.eos]!);
      if (decoded.length > x.length || !startsWith(decoded, x)) return;
      return;
    }
    if (!startsWith(x, decoded)) return;
    const next = model.nextSync(tokens);
    for (let id = 0; id < bpe.vocabSize; id++) {
      const b = bpe.tokenBytes(id);
      if (!b || next[id] === -Infinity || !bpe.isValid([...tokens, id])) continue;
      const d = new Uint8Array(decoded.length + b.length);
      d.set(decoded);
      d.set(b, decoded.length);
      walk([...tokens, id], d, logp + next[id]!);
    }
  };
  walk([], new Uint8Array(0), 0);
  return { total, eosAfterExact };
}

function randomStrings(count: number, seed: number): string[] {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const out = new Set<string>(['a', 'ab', 'abc', ' a', ' ab', 'ca', 'b c', 'aab', ' abca']);
  while (out.size < count) {
    const n = 1 + Math.floor(rand() * 5);
    let t = '';
    for (let i = 0; i < n; i++) t += 'abc '[Math.floor(rand() * 4)];
    out.add(t);
  }
  return [...out];
}

const cases = randomStrings(40, 3);

test('PrefixIndex finds exactly the tokens starting with a byte string', () => {
  for (const p of ['', 'a', 'ab', ' ', ' a', 'c', 'zz']) {
    const expected = [];
    for (let id = 0; id < bpe.vocabSize; id++) {
      const b = bpe.tokenBytes(id);
      if (b && startsWith(b, bytes(p))) expected.push(id);
    }
    assert.deepEqual([...index.withPrefix(bytes(p))].sort((a, b) => a - b), expected, `prefix '${p}'`);
  }
});

test('P(x) through covers equals brute-force enumeration over all token sequences', async () => {
  for (const x of cases) {
    const set = await computeCovers([], bytes(x), bpe, index, lm);
    const brute = bruteForce(bytes(x)).total;
    assert.ok(brute > 0, x);
    assert.ok(Math.abs(Math.exp(tailLogprob(set)) - brute) < 1e-5 * Math.max(1, brute), `'${x}': covers ${Math.exp(tailLogprob(set))} vs brute ${brute}`);
  }
});

test('with a model that also emits non-canonical tokens, covers count only valid tokenizations', async () => {
  const leaky = new ToyLm(bpe, 5, false);
  for (const x of cases.slice(0, 20)) {
    const set = await computeCovers([], bytes(x), bpe, index, leaky);
    const brute = bruteForce(bytes(x), leaky).total;
    assert.ok(Math.abs(Math.exp(tailLogprob(set)) - brute) < 1e-5 * Math.max(1, brute), `'${x}': covers ${Math.exp(tailLogprob(set))} vs valid-only brute ${brute}`);
    const dist = nextByteDistribution(set, bpe);
    const sum = [...dist.values()].reduce((a, v) => a + Math.exp(v), 0);
    assert.ok(Math.abs(sum - 1) < 1e-5, `renormalised over valid mass: ${sum}`);
  }
});

test('next-byte distribution sums to 1 and equals brute-force ratios P(xb)/P(x)', async () => {
  for (const x of cases.slice(0, 20)) {
    const set = await computeCovers([], bytes(x), bpe, index, lm);
    const dist = nextByteDistribution(set, bpe);
    const sum = [...dist.values()].reduce((a, v) => a + Math.exp(v), 0);
    assert.ok(Math.abs(sum - 1) < 1e-5, `'${x}' sums to ${sum}`);
    const { total, eosAfterExact } = bruteForce(bytes(x));
    for (const ch of 'abc ') {
      const expected = bruteForce(bytes(x + ch)).total / total;
      const got = Math.exp(dist.get(ch.charCodeAt(0)) ?? -Infinity);
      assert.ok(Math.abs(got - expected) < 1e-5, `P('${ch}' | '${x}') = ${got}, brute force ${expected}`);
    }
    const eos = Math.exp(dist.get(specialPseudoByte(bpe.eos)) ?? -Infinity);
    assert.ok(Math.abs(eos - eosAfterExact / total) < 1e-5, `P(EOS | '${x}')`);
  }
});

test('P(prompt) is the same wherever the prompt is cut (chain of next-byte probabilities)', async () => {
  for (const x of ['abca', ' abc', 'aab c', 'cab']) {
    const full = Math.exp(tailLogprob(await computeCovers([], bytes(x), bpe, index, lm)));
    let chain = 0;
    for (let cut = 0; cut < x.length; cut++) {
      const set = await computeCovers([], bytes(x.slice(0, cut)), bpe, index, lm);
      chain += nextByteDistribution(set, bpe).get(x.charCodeAt(cut))!;
      // P(x[:cut]) · P(rest | x[:cut]) must give the same P(x) for every cut.
    }
    assert.ok(Math.abs(Math.exp(chain) - full) < 1e-5, `'${x}': chain ${Math.exp(chain)} vs ${full}`);
  }
});

test('naive and healing differ from the exact distribution where the prompt ends mid-token', async () => {
  // After the canonical [a], a canonical LM never emits a token starting with "b" (a+b merge), so
  // naive conditioning on encode("a") gives P(next byte = b) = 0, while "ab…" is likely.
  const x = bytes('a');
  const exact = nextByteDistribution(await computeCovers([], x, bpe, index, lm), bpe);
  const naive = lm.nextSync(bpe.encode(x));
  const naiveB = logSumExp([...index.withPrefix(bytes('b'))].map((id) => naive[id]!));
  assert.equal(naiveB, -Infinity);
  assert.ok(Math.exp(exact.get('b'.charCodeAt(0))!) > 0.05);

  // Healing conditions on the backed-off context and one constrained token: its next-byte
  // distribution is a different (approximate) one.
  let maxDiff = 0;
  for (const s of ['a', 'ab', ' a', 'ca', 'aa']) {
    const tail = bytes(s);
    const exactDist = nextByteDistribution(await computeCovers([], tail, bpe, index, lm), bpe);
    const { kept, removed } = healingBackoff(bpe.encode(tail), bpe, index);
    const first = lm.nextSync(kept);
    const heal = new Map<number, number[]>();
    for (const id of index.withPrefix(removed)) {
      const b = bpe.tokenBytes(id)!;
      if (b.length === removed.length) {
        const after = lm.nextSync([...kept, id]);
        for (let t = 0; t < bpe.vocabSize; t++) {
          const tb = bpe.tokenBytes(t);
          if (tb && after[t]! > -Infinity) heal.set(tb[0]!, [...(heal.get(tb[0]!) ?? []), first[id]! + after[t]!]);
        }
      } else heal.set(b[removed.length]!, [...(heal.get(b[removed.length]!) ?? []), first[id]!]);
    }
    const z = logSumExp([...heal.values()].map((v) => logSumExp(v)));
    for (const ch of 'abc ') {
      const h = Math.exp(logSumExp(heal.get(ch.charCodeAt(0)) ?? []) - z);
      const e = Math.exp(exactDist.get(ch.charCodeAt(0)) ?? -Infinity);
      maxDiff = Math.max(maxDiff, Math.abs(h - e));
    }
  }
  assert.ok(maxDiff > 0.01, `healing matched exact everywhere (max diff ${maxDiff})`);
});

test('greedy hand-off picks the most probable cover or extension of T', async () => {
  for (const x of cases.slice(0, 15)) {
    const set = await computeCovers([], bytes(x), bpe, index, lm);
    const chosen = handOff(set, bpe);
    const t = set.canonical;
    let best = -Infinity;
    for (const c of set.covers) best = Math.max(best, c.logprob);
    for (let id = 0; id < bpe.vocabSize; id++) if (t.next[id]! > -Infinity) best = Math.max(best, t.logprob + t.next[id]!);
    assert.ok(Math.abs(chosen.logprob - best) < 1e-6, `'${x}'`);
    // Whatever is emitted, the chosen tokens decode to the prompt followed by the emitted bytes.
    const decoded = bpe.decode(chosen.tokens);
    assert.deepEqual([...decoded], [...bytes(x), ...chosen.emitted]);
  }
});

test('sampled hand-off follows the cover distribution', async () => {
  const set = await computeCovers([], bytes('a'), bpe, index, lm);
  let s = 11;
  const random = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  const counts = new Map<number, number>();
  const n = 4000;
  for (let i = 0; i < n; i++) {
    const h = handOff(set, bpe, { temperature: 1, random });
    const key = h.special !== undefined ? specialPseudoByte(h.special) : h.emitted[0]!;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const dist = nextByteDistribution(set, bpe);
  for (const [key, logp] of dist) {
    const p = Math.exp(logp);
    assert.ok(Math.abs((counts.get(key) ?? 0) / n - p) < 0.03, `byte ${key}: ${(counts.get(key) ?? 0) / n} vs ${p}`);
  }
});

test('healing backs off past tokens that a longer token could absorb, never across specials', async () => {
  const tokens = bpe.encode(bytes(' ab'));
  const { kept, removed } = healingBackoff(tokens, bpe, index);
  assert.deepEqual(kept, []);
  assert.equal(new TextDecoder().decode(removed), ' ab');
  const withSpecial = healingBackoff([bpe.eos, ...bpe.encode(bytes('a'))], bpe, index);
  assert.deepEqual(withSpecial.kept, [bpe.eos]);
  const h = await healGreedy([], bytes('a'), bpe, lm);
  assert.ok(startsWith(bpe.decode(h.tokens), bytes('a')));
});

test('hasCrossingCover tells prompts that may end inside a token from clean boundaries', async () => {
  for (const x of cases) {
    const set = await computeCovers([], bytes(x), bpe, index, new ToyLm(bpe, 5, false));
    const { hasCrossingCover } = await import('../../../../src/core/completion/boundary/exact');
    assert.equal(hasCrossingCover(bytes(x), bpe, index), set.covers.length > 0, `'${x}'`);
  }
});
