"""Train a byte-level BPE tokenizer on the training split and write a standard HF tokenizer.json.

No python `tokenizers` package is available on Debian 12, so this is a small BPE trainer: count
pre-token frequencies once, then greedily merge the most frequent adjacent pair, updating pair
counts incrementally (only words containing the merged pair are touched).
"""
import argparse, collections, heapq, json, os, time
from tok import PATTERN, SPECIAL_TOKENS, BYTE_TO_CHAR, SPLIT_RE


def count_words(corpus_path):
    counts = collections.Counter()
    with open(corpus_path) as f:
        for line in f:
            counts.update(SPLIT_RE.findall(json.loads(line)['text']))
    return counts


def train(counts, n_merges, min_freq=2):
    words, freqs = [], []
    for w, c in counts.items():
        b = w.encode('utf-8')
        if len(b) > 1:
            words.append(list(b))
            freqs.append(c)
    pair_count = collections.Counter()
    where = collections.defaultdict(set)
    for wi, (w, c) in enumerate(zip(words, freqs)):
        for p in zip(w, w[1:]):
            pair_count[p] += c
            where[p].add(wi)
    heap = [(-c, p) for p, c in pair_count.items()]
    heapq.heapify(heap)
    tokens = {i: bytes([i]) for i in range(256)}
    merges = []
    while len(merges) < n_merges and heap:
        negc, pair = heapq.heappop(heap)
        c = pair_count.get(pair, 0)
        if c != -negc:  # stale heap entry
            if c > 0:
                heapq.heappush(heap, (-c, pair))
            continue
        if c < min_freq:
            break
        new_id = 256 + len(merges)
        tokens[new_id] = tokens[pair[0]] + tokens[pair[1]]
        merges.append(pair)
        changed = set()
        for wi in list(where[pair]):
            w, f = words[wi], freqs[wi]
            for p in zip(w, w[1:]):
                pair_count[p] -= f
                changed.add(p)
            out, i = [], 0
            while i < len(w):
                if i < len(w) - 1 and w[i] == pair[0] and w[i + 1] == pair[1]:
                    out.append(new_id)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            words[wi] = out
            for p in zip(out, out[1:]):
                pair_count[p] += f
                where[p].add(wi)
                changed.add(p)
        del pair_count[pair]
        where.pop(pair, None)
        for p in changed:
            if pair_count.get(p, 0) > 0:
                heapq.heappush(heap, (-pair_count[p], p))
    return tokens, merges


def to_str(b):
    return ''.join(BYTE_TO_CHAR[x] for x in b)


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--corpus', default=os.path.join(here, '..', 'corpus', 'train.jsonl'))
    ap.add_argument('--out', default=os.path.join(here, '..', 'tokenwise-code-small'))
    ap.add_argument('--vocab-size', type=int, default=4096, help='including the 6 special tokens')
    ap.add_argument('--model-max-length', type=int, default=512)
    args = ap.parse_args()
    t0 = time.time()
    counts = count_words(args.corpus)
    print(f'{len(counts)} distinct pre-tokens in {time.time() - t0:.0f}s', flush=True)
    n_merges = args.vocab_size - 256 - len(SPECIAL_TOKENS)
    tokens, merges = train(counts, n_merges)
    print(f'{len(merges)} merges in {time.time() - t0:.0f}s', flush=True)
    vocab = {to_str(b): i for i, b in tokens.items()}
    base = len(vocab)
    added = [{'id': base + k, 'content': s, 'single_word': False, 'lstrip': False, 'rstrip': False,
              'normalized': False, 'special': True} for k, s in enumerate(SPECIAL_TOKENS)]
    tj = {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': added,
        'normalizer': None,
        'pre_tokenizer': {'type': 'Sequence', 'pretokenizers': [
            {'type': 'Split', 'pattern': {'Regex': PATTERN}, 'behavior': 'Isolated', 'invert': False},
            {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': False, 'use_regex': False},
        ]},
        'post_processor': None,
        'decoder': {'type': 'ByteLevel', 'add_prefix_space': False, 'trim_offsets': False, 'use_regex': False},
        'model': {'type': 'BPE', 'dropout': None, 'unk_token': None, 'continuing_subword_prefix': None,
                  'end_of_word_suffix': None, 'fuse_unk': False, 'byte_fallback': False, 'ignore_merges': False,
                  'vocab': vocab,
                  'merges': [to_str(tokens[a]) + ' ' + to_str(tokens[b]) for a, b in merges]},
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, 'tokenizer.json'), 'w', encoding='utf-8') as f:
        json.dump(tj, f, ensure_ascii=False, indent=1)
    special = {a['content']: a['id'] for a in added}
    cfg = {
        'tokenizer_class': 'PreTrainedTokenizerFast',
        'model_max_length': args.model_max_length,
        'add_bos_token': False,
        'add_eos_token': False,
        'add_prefix_space': False,
        'clean_up_tokenization_spaces': False,
        'bos_token': '<|endoftext|>',
        'eos_token': '<|endoftext|>',
        'unk_token': None,
        'pad_token': '<|fim_pad|>',
        'additional_special_tokens': SPECIAL_TOKENS[1:],
        'fim_prefix_token': '<|fim_prefix|>',
        'fim_middle_token': '<|fim_middle|>',
        'fim_suffix_token': '<|fim_suffix|>',
        'fim_pad_token': '<|fim_pad|>',
        'file_sep_token': '<|file_sep|>',
        'added_tokens_decoder': {str(a['id']): {k: v for k, v in a.items() if k != 'id'} for a in added},
    }
    with open(os.path.join(args.out, 'tokenizer_config.json'), 'w') as f:
        json.dump(cfg, f, indent=1)
    print('special ids', special)


if __name__ == '__main__':
    main()
