/** Issue 17 item 13: benchmark inputs are checked against the training corpus (models/corpus_manifest.json). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { corpusStatus, heldoutPythonFiles } from '../../../src/tools/corpus';

const root = join(__dirname, '../../..');

test('corpusStatus: argparse.py is training data, dataclasses.py is held out, this repository is outside', () => {
  assert.equal(corpusStatus('/usr/lib/python3.11/argparse.py').state, 'training');
  assert.equal(corpusStatus('/usr/lib/python3.11/dataclasses.py').state, 'heldout');
  assert.equal(corpusStatus(join(root, 'src/core/completion/pipeline.ts')).state, 'outside');
  assert.equal(corpusStatus(join(root, 'node_modules/tiktoken/tiktoken.js')).state, 'training');
  assert.equal(corpusStatus('/work/shared/data/human-eval-infilling/SingleLineInfilling.jsonl.gz').state, 'outside');
  assert.match(corpusStatus('/usr/lib/python3.11/argparse.py').describe, /NOT held out/);
  for (const f of heldoutPythonFiles) assert.notEqual(corpusStatus(f).state, 'training', f);
});
