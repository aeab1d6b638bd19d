/** The Porter stemmer, on the examples of Porter's 1980 paper and the word forms the search relies on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { porterStem } from '../../../../src/core/search/stem';

test("porterStem: the paper's examples, step by step", () => {
  const cases: Record<string, string> = {
    // 1a plurals, 1b -eed/-ed/-ing with the fix-ups, 1c y → i
    caresses: 'caress', ponies: 'poni', ties: 'ti', caress: 'caress', cats: 'cat',
    feed: 'feed', agreed: 'agre', plastered: 'plaster', motoring: 'motor', sing: 'sing',
    conflated: 'conflat', troubled: 'troubl', sized: 'size', hopping: 'hop', tanned: 'tan', falling: 'fall',
    hissing: 'hiss', fizzed: 'fizz', failing: 'fail', filing: 'file', happy: 'happi', sky: 'sky',
    // 2, 3, 4: longer suffixes
    relational: 'relat', conditional: 'condit', generalization: 'gener', oscillators: 'oscil',
    hopeful: 'hope', goodness: 'good', revival: 'reviv', adjustment: 'adjust', dependent: 'depend', adoption: 'adopt',
    // 5: final e and ll
    probate: 'probat', rate: 'rate', cease: 'ceas', controll: 'control', roll: 'roll',
  };
  for (const [word, stem] of Object.entries(cases)) assert.equal(porterStem(word), stem, word);
});

test('porterStem: verb and plural forms of one word meet', () => {
  for (const group of [['parse', 'parses', 'parsed', 'parsing'], ['connect', 'connection', 'connected', 'connects'], ['retry', 'retries', 'retried']])
    assert.equal(new Set(group.map(porterStem)).size, 1, group.join(' '));
  assert.equal(porterStem('at'), 'at');
});
