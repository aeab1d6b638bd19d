"""Held-out evaluation of a checkpoint.

bpb: every held-out file is scored left to right as <|endoftext|> + file (sliding 512-token windows,
  stride 256, each token scored once with >= 255 tokens of context where available); bits per byte =
  sum(-log2 p) / UTF-8 bytes, summed over files. gzip -9 / xz -9 are run per file on the same files.
  Also reported without held-out files that nearly duplicate a training file (cjs/esm copies).
infill: HumanEval single-line infilling exact match, PSM prompt, greedy, stop at <|endoftext|>, any
  FIM/special token or a newline; stripped middle compared to stripped canonical_solution. Prompts
  longer than the context keep the end of the prefix and the start of the suffix.
"""
import argparse, difflib, gzip, json, math, os, subprocess, time
import torch
import torch.nn.functional as F
from model import Llama
from tok import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
INFILL = '/work/shared/data/human-eval-infilling/SingleLineInfilling.jsonl.gz'


def compressed_bits(cmd, data):
    return 8 * len(subprocess.run(cmd, input=data, stdout=subprocess.PIPE, check=True).stdout)


@torch.no_grad()
def file_bits(model, ids, ctx, stride):
    bits, scored, s, n = 0.0, 0, 0, len(ids)
    while True:
        e = min(s + ctx, n)
        logits, _ = model(torch.tensor([ids[s:e]]))
        lp = F.log_softmax(logits[0].double(), dim=-1)
        first = max(s + 1, scored + 1)  # target index j is predicted at window position j - s - 1
        tgt = torch.tensor(ids[first:e])
        bits -= lp[torch.arange(first - s - 1, e - s - 1), tgt].sum().item() / math.log(2)
        scored = e - 1
        if e == n:
            return bits
        s = e - (ctx - stride)


def near_duplicates(heldout, train):
    # The path-hash split keeps files apart, but packages ship cjs/esm/amd copies of one source. Flag
    # held-out files with a same-named training file of similar length and >90% character overlap.
    by_name = {}
    for line in open(train):
        d = json.loads(line)
        by_name.setdefault(os.path.basename(d['path']), []).append(d['text'][:3000])
    dups = set()
    for line in open(heldout):
        d = json.loads(line)
        for t in by_name.get(os.path.basename(d['path']), []):
            if difflib.SequenceMatcher(None, t, d['text'][:3000], autojunk=False).quick_ratio() > 0.9:
                dups.add(d['path'])
                break
    return dups


def eval_bpb(model, tk, ctx, heldout, dups):
    eot = tk.special['<|endoftext|>']
    tot = {}
    for line in open(heldout):
        d = json.loads(line)
        data = d['text'].encode('utf-8')
        ids = [eot] + tk.encode(d['text'])
        r = {'bytes': len(data), 'files': 1, 'tokens': len(ids) - 1, 'model_bits': file_bits(model, ids, ctx, ctx // 2),
             'gzip9_bits': compressed_bits(['gzip', '-9', '-c', '-n'], data), 'xz9_bits': compressed_bits(['xz', '-9', '-c'], data)}
        for key in ('all', d['lang']) + (() if d['path'] in dups else ('all_without_near_duplicates',)):
            t = tot.setdefault(key, {k: 0 for k in r})
            for k, v in r.items():
                t[k] += v
    for t in tot.values():
        for k in ('model', 'gzip9', 'xz9'):
            t[k + '_bpb'] = round(t[k + '_bits'] / t['bytes'], 4)
        t['bytes_per_token'] = round(t['bytes'] / t['tokens'], 3)
    return tot


@torch.no_grad()
def greedy_middle(model, tk, prompt_ids, stop_ids, max_new):
    logits, past = model(torch.tensor([prompt_ids]))
    out = []
    for _ in range(max_new):
        nxt = int(logits[0, -1].argmax())
        if nxt in stop_ids:
            break
        out.append(nxt)
        if b'\n' in tk.decode_bytes(out):
            break
        logits, past = model(torch.tensor([[nxt]]), past=past)
    return tk.decode_bytes(out).decode('utf-8', errors='replace').split('\n')[0]


def eval_infill(model, tk, ctx, limit, max_new=48, log_every=100):
    pre_t, mid_t, suf_t = (tk.special[s] for s in ('<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>'))
    stop = set(tk.special.values())
    tasks = [json.loads(l) for l in gzip.open(INFILL, 'rt')]
    if limit:
        tasks = tasks[:limit]
    hits, t0 = 0, time.time()
    budget = ctx - max_new - 3
    for i, t in enumerate(tasks):
        pre, suf = tk.encode(t['prompt']), tk.encode(t['suffix'])
        if len(pre) + len(suf) > budget:
            ns = min(len(suf), max(budget // 4, budget - len(pre)))
            suf, pre = suf[:ns], pre[len(pre) - (budget - ns):]
        gen = greedy_middle(model, tk, [pre_t] + pre + [suf_t] + suf + [mid_t], stop, max_new)
        hits += gen.strip() == t['canonical_solution'].strip()
        if (i + 1) % log_every == 0:
            print(f'  infill {i + 1}/{len(tasks)} EM {hits / (i + 1):.4f} ({time.time() - t0:.0f}s)', flush=True)
    return {'tasks': len(tasks), 'exact_match': hits, 'exact_match_rate': round(hits / len(tasks), 4)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', default=os.path.join(HERE, '..', 'checkpoints', 'latest.pt'))
    ap.add_argument('--tokenizer', default=os.path.join(HERE, '..', 'tokenwise-code-small', 'tokenizer.json'))
    ap.add_argument('--heldout', default=os.path.join(HERE, '..', 'corpus', 'heldout.jsonl'))
    ap.add_argument('--train', default=os.path.join(HERE, '..', 'corpus', 'train.jsonl'))
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'eval_results.json'))
    ap.add_argument('--skip-bpb', action='store_true')
    ap.add_argument('--skip-infill', action='store_true')
    ap.add_argument('--infill-limit', type=int, default=0, help='first N tasks only (0 = all 1033)')
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    ck = torch.load(args.ckpt, map_location='cpu')
    model = Llama(ck['config'])
    model.load_state_dict(ck['model'])
    model.eval()
    tk = Tokenizer(args.tokenizer)
    ctx = ck['config']['max_position_embeddings']
    res = {'checkpoint_step': ck['state']['step'], 'tokens_seen': ck['state']['tokens']}
    t0 = time.time()
    if not args.skip_bpb:
        dups = near_duplicates(args.heldout, args.train)
        res['heldout_near_duplicates'] = sorted(dups)
        res['heldout'] = eval_bpb(model, tk, ctx, args.heldout, dups)
        print(json.dumps(res['heldout']['all']), f'({time.time() - t0:.0f}s)', flush=True)
    if not args.skip_infill:
        res['single_line_infilling'] = eval_infill(model, tk, ctx, args.infill_limit)
        print(json.dumps(res['single_line_infilling']), f'({time.time() - t0:.0f}s)', flush=True)
    json.dump(res, open(args.out, 'w'), indent=1)


if __name__ == '__main__':
    main()
