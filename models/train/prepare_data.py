"""Tokenize the training split into one uint16 token stream with FIM examples (Bavarian et al. 2022).

Files are shuffled and cut at line boundaries into pieces of 200-1600 characters (about one 512-token
context), so a FIM example usually fits into one training window (context-level FIM). Each piece is,
with probability --fim-rate, split at two uniformly random character positions into prefix / middle /
suffix and emitted, half of the time each, as
  PSM: <|fim_prefix|> pre <|fim_suffix|> suf <|fim_middle|> mid <|endoftext|>
  SPM: <|fim_prefix|> <|fim_suffix|> suf <|fim_middle|> pre mid <|endoftext|>   (the paper's SPM variant)
pre / mid / suf are tokenized separately, as at inference time. Other pieces are left-to-right text;
consecutive left-to-right pieces of one file stay contiguous, and every file ends with <|endoftext|>.
"""
import argparse, json, os, random
import numpy as np
from tok import Tokenizer


def pieces(text, rng, lo=200, hi=1600):
    lines = text.splitlines(keepends=True)
    out, cur, target = [], [], rng.randint(lo, hi)
    n = 0
    for ln in lines:
        cur.append(ln)
        n += len(ln)
        if n >= target:
            out.append(''.join(cur))
            cur, n, target = [], 0, rng.randint(lo, hi)
    if cur:
        out.append(''.join(cur))
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument('--corpus', default=os.path.join(here, '..', 'corpus', 'train.jsonl'))
    ap.add_argument('--tokenizer', default=os.path.join(here, '..', 'tokenwise-code-small', 'tokenizer.json'))
    ap.add_argument('--out', default=os.path.join(here, '..', 'corpus', 'train_tokens.bin'))
    ap.add_argument('--fim-rate', type=float, default=0.5)
    ap.add_argument('--seed', type=int, default=1234)
    args = ap.parse_args()
    tk = Tokenizer(args.tokenizer)
    EOT, PRE, MID, SUF = (tk.special[s] for s in ('<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>'))
    rng = random.Random(args.seed)
    docs = [json.loads(l)['text'] for l in open(args.corpus)]
    rng.shuffle(docs)
    stream = []
    n_fim = n_pieces = 0
    for text in docs:
        for p in pieces(text, rng):
            n_pieces += 1
            if rng.random() < args.fim_rate:
                n_fim += 1
                a, b = sorted(rng.randint(0, len(p)) for _ in range(2))
                pre, mid, suf = tk.encode(p[:a]), tk.encode(p[a:b]), tk.encode(p[b:])
                if stream and stream[-1] != EOT:
                    stream.append(EOT)
                if rng.random() < 0.5:
                    stream += [PRE] + pre + [SUF] + suf + [MID] + mid + [EOT]
                else:
                    stream += [PRE, SUF] + suf + [MID] + pre + mid + [EOT]
            else:
                stream += tk.encode(p)
        if not stream or stream[-1] != EOT:
            stream.append(EOT)
    arr = np.array(stream, dtype=np.uint16)
    arr.tofile(args.out)
    print(f'{len(docs)} files, {n_pieces} pieces ({n_fim} FIM), {len(arr)} tokens -> {args.out}')


if __name__ == '__main__':
    main()
