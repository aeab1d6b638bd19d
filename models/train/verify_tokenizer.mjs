// Check that tokenizer.json loads in @huggingface/tokenizers (what the extension uses) and gives the
// same ids as the Python encoder used for training, and that decoding round-trips the bytes exactly.
// usage: node verify_tokenizer.mjs <ids.json from dump_token_ids.py>
import { Tokenizer } from '@huggingface/tokenizers';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'tokenwise-code-small');
const tok = new Tokenizer(JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')),
  JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer_config.json'), 'utf8')));
const samples = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let bad = 0;
for (const s of samples) {
  const ids = tok.encode(s.text, { add_special_tokens: false }).ids;
  const same = ids.length === s.ids.length && ids.every((v, i) => v === s.ids[i]);
  const dec = ids.length === 0 ? '' : tok.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
  if (!same || dec !== s.text) {
    bad++;
    const i = ids.findIndex((v, k) => v !== s.ids[k]);
    console.log(`MISMATCH ${s.path}: ids ${same ? 'ok' : 'differ at ' + i}, decode ${dec === s.text ? 'ok' : 'differs'}`);
  }
}
const fim = tok.encode('<|fim_prefix|>a<|fim_suffix|>b<|fim_middle|>', { add_special_tokens: false }).ids;
console.log('FIM template ids', fim);
console.log(`${samples.length - bad}/${samples.length} samples identical`);
process.exit(bad ? 1 : 0);
