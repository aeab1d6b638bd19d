"""Train the Llama-style model on the prepared token stream for a fixed wall-clock budget.

The learning rate follows linear warmup + cosine decay over the *elapsed fraction of the time budget*
(not of a step count), so the run anneals properly whatever throughput the shared machine gives.
A checkpoint (model + optimizer + progress) is written every --ckpt-minutes and at the end;
export_onnx.py always works on the latest one, and --resume continues a run.
"""
import argparse, json, math, os, time
import numpy as np
import torch
import torch.nn.functional as F
from model import Llama, make_config


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default=os.path.join(here, '..', 'corpus', 'train_tokens.bin'))
    ap.add_argument('--tokenizer-dir', default=os.path.join(here, '..', 'tokenwise-code-small'))
    ap.add_argument('--ckpt-dir', default=os.path.join(here, '..', 'checkpoints'))
    ap.add_argument('--minutes', type=float, required=True, help='wall-clock training budget')
    ap.add_argument('--ckpt-minutes', type=float, default=10)
    ap.add_argument('--hidden', type=int, default=256)
    ap.add_argument('--layers', type=int, default=4)
    ap.add_argument('--heads', type=int, default=4)
    ap.add_argument('--kv-heads', type=int, default=2)
    ap.add_argument('--intermediate', type=int, default=688)
    ap.add_argument('--ctx', type=int, default=512)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--min-lr-frac', type=float, default=0.1)
    ap.add_argument('--warmup-frac', type=float, default=0.03)
    ap.add_argument('--weight-decay', type=float, default=0.1)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--resume', action='store_true')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.ckpt_dir, exist_ok=True)

    tj = json.load(open(os.path.join(args.tokenizer_dir, 'tokenizer.json')))
    special = {a['content']: a['id'] for a in tj['added_tokens']}
    vocab = len(tj['model']['vocab']) + len(special)
    cfg = make_config(vocab, args.hidden, args.layers, args.heads, args.kv_heads, args.intermediate, args.ctx, special)
    model = Llama(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    # no weight decay on norms (1-d); embeddings are decayed like GPT-2/Llama recipes do
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{'params': decay, 'weight_decay': args.weight_decay},
                             {'params': no_decay, 'weight_decay': 0.0}], lr=args.lr, betas=(0.9, 0.95), eps=1e-8)

    data = np.fromfile(args.data, dtype=np.uint16)
    n_chunks = (len(data) - 1) // args.ctx
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(n_chunks)
    state = {'step': 0, 'tokens': 0, 'elapsed': 0.0, 'pos': 0, 'epoch': 0}
    latest = os.path.join(args.ckpt_dir, 'latest.pt')
    if args.resume and os.path.exists(latest):
        ck = torch.load(latest)
        model.load_state_dict(ck['model'])
        opt.load_state_dict(ck['opt'])
        state = ck['state']
        order = np.random.default_rng(args.seed + state['epoch']).permutation(n_chunks)
    print(f'params {n_params} ({n_params / 1e6:.2f}M), config {json.dumps(cfg)}', flush=True)
    print(f'{len(data)} tokens, {n_chunks} chunks of {args.ctx}, budget {args.minutes} min', flush=True)

    def save(tag):
        ck = {'model': model.state_dict(), 'opt': opt.state_dict(), 'state': state, 'config': cfg, 'args': vars(args)}
        tmp = latest + '.tmp'
        torch.save(ck, tmp)
        os.replace(tmp, latest)  # atomic: the exporter never sees a half-written file
        print(f'checkpoint ({tag}) step {state["step"]} tokens {state["tokens"]}', flush=True)

    budget = args.minutes * 60
    t_start = time.time() - state['elapsed']
    last_ckpt = time.time()
    loss_ema = None
    model.train()
    while True:
        elapsed = time.time() - t_start
        frac = elapsed / budget
        if frac >= 1:
            break
        if frac < args.warmup_frac:
            lr = args.lr * frac / args.warmup_frac
        else:
            p = (frac - args.warmup_frac) / (1 - args.warmup_frac)
            lr = args.lr * (args.min_lr_frac + (1 - args.min_lr_frac) * 0.5 * (1 + math.cos(math.pi * p)))
        for g in opt.param_groups:
            g['lr'] = lr
        idx = []
        for _ in range(args.batch):
            if state['pos'] >= n_chunks:  # next epoch, new order
                state['epoch'] += 1
                state['pos'] = 0
                order = np.random.default_rng(args.seed + state['epoch']).permutation(n_chunks)
            idx.append(order[state['pos']])
            state['pos'] += 1
        batch = torch.from_numpy(np.stack([data[i * args.ctx: i * args.ctx + args.ctx + 1] for i in idx]).astype(np.int64))
        logits, _ = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, vocab), batch[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        state['step'] += 1
        state['tokens'] += batch[:, 1:].numel()
        state['elapsed'] = time.time() - t_start
        loss_ema = loss.item() if loss_ema is None else 0.98 * loss_ema + 0.02 * loss.item()
        state['loss_ema'] = loss_ema
        if state['step'] % 25 == 0:
            print(f'step {state["step"]} tokens {state["tokens"]} elapsed {state["elapsed"] / 60:.1f}m lr {lr:.2e} '
                  f'loss {loss.item():.4f} ema {loss_ema:.4f} tok/s {state["tokens"] / max(1, state["elapsed"]):.0f}', flush=True)
        if time.time() - last_ckpt >= args.ckpt_minutes * 60:
            save('periodic')
            last_ckpt = time.time()
    save('final')
    print(f'done: {state["step"]} steps, {state["tokens"]} tokens, {state["elapsed"] / 60:.1f} min, final loss ema {loss_ema:.4f}', flush=True)


if __name__ == '__main__':
    main()
