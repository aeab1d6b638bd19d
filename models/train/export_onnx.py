"""Export the latest checkpoint to models/tokenwise-code-small/ (ONNX + config.json + generation_config.json).

ONNX layout follows Optimum/transformers.js decoder exports: inputs input_ids, attention_mask,
position_ids, past_key_values.{i}.key/.value [batch, kv_heads, past, head_dim]; outputs logits,
present.{i}.key/.value; opset 14, dynamic batch/sequence/past axes. Traced with a non-empty past so
the cache concatenation stays in the graph; zero-length past works at run time.
"""
import argparse, json, os
import torch
from model import Llama


class Wrapper(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.n = model.cfg['num_hidden_layers']

    def forward(self, input_ids, attention_mask, position_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(self.n)]
        logits, presents = self.model(input_ids, attention_mask, position_ids, past)
        out = [logits]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument('--ckpt', default=os.path.join(here, '..', 'checkpoints', 'latest.pt'))
    ap.add_argument('--out', default=os.path.join(here, '..', 'tokenwise-code-small'))
    args = ap.parse_args()
    ck = torch.load(args.ckpt, map_location='cpu')
    cfg = ck['config']
    model = Llama(cfg)
    model.load_state_dict(ck['model'])
    model.eval()
    L, kv, hd = cfg['num_hidden_layers'], cfg['num_key_value_heads'], cfg['head_dim']
    B, S, P = 2, 3, 2
    ids = torch.randint(0, cfg['vocab_size'], (B, S))
    mask = torch.ones(B, P + S, dtype=torch.long)
    pos = torch.arange(P, P + S)[None].expand(B, S).contiguous()
    past = [torch.randn(B, kv, P, hd) for _ in range(2 * L)]
    in_names = ['input_ids', 'attention_mask', 'position_ids']
    out_names = ['logits']
    dyn = {'input_ids': {0: 'batch_size', 1: 'sequence_length'},
           'attention_mask': {0: 'batch_size', 1: 'total_sequence_length'},
           'position_ids': {0: 'batch_size', 1: 'sequence_length'},
           'logits': {0: 'batch_size', 1: 'sequence_length'}}
    for i in range(L):
        for kind in ('key', 'value'):
            n_in, n_out = f'past_key_values.{i}.{kind}', f'present.{i}.{kind}'
            in_names.append(n_in)
            out_names.append(n_out)
            dyn[n_in] = {0: 'batch_size', 2: 'past_sequence_length'}
            dyn[n_out] = {0: 'batch_size', 2: 'total_sequence_length'}
    os.makedirs(os.path.join(args.out, 'onnx'), exist_ok=True)
    path = os.path.join(args.out, 'onnx', 'model.onnx')
    with torch.no_grad():
        torch.onnx.export(Wrapper(model), (ids, mask, pos, *past), path, input_names=in_names,
                          output_names=out_names, dynamic_axes=dyn, opset_version=14, do_constant_folding=False)  # folding would duplicate the tied embedding
    cfg = dict(cfg)
    cfg['transformers_version'] = '4.46.0'
    json.dump(cfg, open(os.path.join(args.out, 'config.json'), 'w'), indent=1)
    eot = cfg['eos_token_id']
    tc = json.load(open(os.path.join(args.out, 'tokenizer_config.json')))
    stop = [int(i) for i, a in tc['added_tokens_decoder'].items()]  # every special token ends generation
    json.dump({'bos_token_id': cfg['bos_token_id'], 'eos_token_id': [eot] + [s for s in stop if s != eot],
               'pad_token_id': cfg['pad_token_id'], 'do_sample': False, 'max_new_tokens': 64},
              open(os.path.join(args.out, 'generation_config.json'), 'w'), indent=1)
    st = ck['state']
    json.dump({'checkpoint_step': st['step'], 'tokens_seen': st['tokens'], 'train_minutes': round(st['elapsed'] / 60, 1),
               'loss_ema': st.get('loss_ema')}, open(os.path.join(args.out, 'training_state.json'), 'w'), indent=1)
    print(f'exported step {st["step"]} ({st["tokens"]} tokens) -> {path} ({os.path.getsize(path) / 1e6:.1f} MB)')


if __name__ == '__main__':
    main()
