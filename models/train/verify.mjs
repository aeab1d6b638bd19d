// Verifies the exported model directory:
//  1. onnxruntime-node: session loads, inputs/outputs have the HF layout, and a manual greedy loop with
//     KV cache (first step with zero-length past) reproduces PyTorch's greedy tokens;
//  2. @huggingface/transformers: AutoTokenizer gives the same prompt ids and
//     AutoModelForCausalLM.generate (greedy) gives the same tokens.
// usage: node models/train/verify.mjs [checkpoint.pt]   (runs greedy_reference.py for the PyTorch side)
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { AutoModelForCausalLM, AutoTokenizer, env, Tensor } from '@huggingface/transformers';

const here = path.dirname(fileURLToPath(import.meta.url));
const modelsDir = path.join(here, '..');
const name = 'tokenwise-code-small';
const dir = path.join(modelsDir, name);
const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
const gen = JSON.parse(fs.readFileSync(path.join(dir, 'generation_config.json'), 'utf8'));
const stop = new Set(gen.eos_token_id);

const py = spawnSync('/usr/bin/python3', [path.join(here, 'greedy_reference.py'), ...process.argv.slice(2)],
  { encoding: 'utf8', maxBuffer: 1 << 26 });
if (py.status !== 0) { console.error(py.stderr); process.exit(2); }
const refs = JSON.parse(py.stdout);

const same = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
let failures = 0;
const check = (ok, msg) => { console.log(`${ok ? 'ok  ' : 'FAIL'} ${msg}`); if (!ok) failures++; };

// --- 1. raw onnxruntime-node with HF-layout KV cache
const session = await ort.InferenceSession.create(path.join(dir, 'onnx', 'model.onnx'));
const L = cfg.num_hidden_layers, kv = cfg.num_key_value_heads, hd = cfg.head_dim;
const expectIn = ['input_ids', 'attention_mask', 'position_ids'];
for (let i = 0; i < L; i++) expectIn.push(`past_key_values.${i}.key`, `past_key_values.${i}.value`);
check(same([...session.inputNames].sort(), expectIn.sort()), `ORT inputs: ${session.inputNames.join(', ')}`);
check(session.outputNames[0] === 'logits' && session.outputNames.length === 1 + 2 * L, `ORT outputs: ${session.outputNames.join(', ')}`);

const i64 = (arr, dims) => new ort.Tensor('int64', BigInt64Array.from(arr.map(BigInt)), dims);
async function ortGreedy(ids, maxNew) {
  let past = {};
  for (let i = 0; i < L; i++) for (const k of ['key', 'value'])
    past[`past_key_values.${i}.${k}`] = new ort.Tensor('float32', new Float32Array(0), [1, kv, 0, hd]);
  let pastLen = 0, feed = ids, out = [];
  for (let step = 0; step < maxNew; step++) {
    const n = feed.length;
    const r = await session.run({
      input_ids: i64(feed, [1, n]),
      attention_mask: i64(new Array(pastLen + n).fill(1), [1, pastLen + n]),
      position_ids: i64(feed.map((_, j) => pastLen + j), [1, n]),
      ...past,
    });
    const V = r.logits.dims[2], last = r.logits.data.subarray((n - 1) * V, n * V);
    let best = 0;
    for (let v = 1; v < V; v++) if (last[v] > last[best]) best = v;
    out.push(best);
    if (stop.has(best)) break;
    past = {};
    for (let i = 0; i < L; i++) for (const k of ['key', 'value']) past[`past_key_values.${i}.${k}`] = r[`present.${i}.${k}`];
    pastLen += n; feed = [best];
  }
  return out;
}
for (const ref of refs) {
  const got = await ortGreedy(ref.input_ids, 24);
  check(same(got, ref.output_ids), `ORT greedy == PyTorch for ${JSON.stringify(ref.prompt.slice(0, 40))}: ${JSON.stringify(got.slice(0, 12))}...`);
}

// --- 2. transformers.js from the local directory
env.allowRemoteModels = false;
env.localModelPath = modelsDir + path.sep;
const tokenizer = await AutoTokenizer.from_pretrained(name);
const model = await AutoModelForCausalLM.from_pretrained(name, { dtype: 'fp32' });
for (const ref of refs) {
  const enc = tokenizer(ref.prompt, { add_special_tokens: false });
  const ids = Array.from(enc.input_ids.data, Number);
  check(same(ids, ref.input_ids), `transformers.js tokenizer ids == Python for ${JSON.stringify(ref.prompt.slice(0, 40))}`);
  const input_ids = new Tensor('int64', BigInt64Array.from(ref.input_ids.map(BigInt)), [1, ref.input_ids.length]);
  const attention_mask = new Tensor('int64', new BigInt64Array(ref.input_ids.length).fill(1n), [1, ref.input_ids.length]);
  const outSeq = await model.generate({ input_ids, attention_mask, max_new_tokens: 24, do_sample: false });
  const got = Array.from(outSeq.data, Number).slice(ref.input_ids.length);
  check(same(got, ref.output_ids), `transformers.js generate == PyTorch: ${JSON.stringify(tokenizer.decode(got))}`);
}
await model.dispose?.();
console.log(failures ? `${failures} check(s) FAILED` : 'all checks passed');
process.exit(failures ? 1 : 0);
