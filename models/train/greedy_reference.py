"""PyTorch greedy continuations of a few prompts (the reference verify.mjs compares ONNX runtimes to).

Prints JSON: [{prompt, input_ids, output_ids}], using the checkpoint the ONNX model was exported from.
"""
import json, os, sys
import torch
from model import Llama
from tok import Tokenizer

PROMPTS = [
    'def fibonacci(n):\n    """Return the n-th Fibonacci number."""\n',
    'import os\nimport sys\n\n\ndef main():\n    args = sys.argv[1:]\n',
    'export function debounce<T extends (...args: any[]) => void>(fn: T, ms: number) {\n',
    'const express = require(',
    '<|fim_prefix|>def add(a, b):\n    <|fim_suffix|>\n\nprint(add(1, 2))\n<|fim_middle|>',
]
MAX_NEW = 24


def encode_with_special(tk, text):
    # split on special-token strings like the HF tokenizer does for added tokens
    import re
    ids = []
    for part in re.split('(' + '|'.join(re.escape(s) for s in tk.special) + ')', text):
        if part in tk.special:
            ids.append(tk.special[part])
        elif part:
            ids += tk.encode(part)
    return ids


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = os.path.join(here, '..', 'tokenwise-code-small')
    ckpt = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, '..', 'checkpoints', 'latest.pt')
    ck = torch.load(ckpt, map_location='cpu')
    exported = json.load(open(os.path.join(out_dir, 'training_state.json')))
    if exported['checkpoint_step'] != ck['state']['step']:
        sys.exit(f'checkpoint step {ck["state"]["step"]} != exported step {exported["checkpoint_step"]}: re-export first')
    torch.set_num_threads(1)
    model = Llama(ck['config'])
    model.load_state_dict(ck['model'])
    model.eval()
    tk = Tokenizer(os.path.join(out_dir, 'tokenizer.json'))
    stop = set(json.load(open(os.path.join(out_dir, 'generation_config.json')))['eos_token_id'])
    res = []
    with torch.no_grad():
        for p in PROMPTS:
            ids = encode_with_special(tk, p)
            seq = list(ids)
            for _ in range(MAX_NEW):  # full recompute each step: independent of any KV-cache logic
                logits, _ = model(torch.tensor([seq]))
                nxt = int(logits[0, -1].argmax())
                seq.append(nxt)
                if nxt in stop:
                    break
            res.append({'prompt': p, 'input_ids': ids, 'output_ids': seq[len(ids):]})
    print(json.dumps(res))


if __name__ == '__main__':
    main()
