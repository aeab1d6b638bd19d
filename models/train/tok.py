"""Byte-level BPE shared by tokenizer training, data preparation and evaluation.

Mirrors what Hugging Face `tokenizers` does for a tokenizer.json with a Split(regex) + ByteLevel
pre-tokenizer and a BPE model, so ids produced here equal the ids the extension computes in JS
(checked by verify_tokenizer.mjs).
"""
import json
import regex

# GPT-4 (cl100k) style split, with case-sensitive contractions: JS engines without inline-modifier
# support cannot run `(?i:...)`, and contractions barely matter for code.
PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"""
SPECIAL_TOKENS = ['<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|fim_pad|>', '<|file_sep|>']


def bytes_to_unicode():
    # GPT-2's reversible byte -> printable character table (the ByteLevel pre-tokenizer's alphabet).
    bs = list(range(ord('!'), ord('~') + 1)) + list(range(ord('¡'), ord('¬') + 1)) + list(range(ord('®'), ord('ÿ') + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {c: b for b, c in BYTE_TO_CHAR.items()}
SPLIT_RE = regex.compile(PATTERN)


class Tokenizer:
    def __init__(self, path):
        tj = json.load(open(path))
        self.vocab = tj['model']['vocab']
        merges = tj['model']['merges']
        merges = [tuple(m.split(' ')) if isinstance(m, str) else tuple(m) for m in merges]
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.id_to_token = {i: t for t, i in self.vocab.items()}
        self.special = {}
        for a in tj['added_tokens']:
            self.special[a['content']] = a['id']
            self.id_to_token[a['id']] = a['content']
        self.cache = {}

    def _bpe(self, word):
        parts = list(word)
        while len(parts) > 1:
            best, best_rank = None, None
            for i in range(len(parts) - 1):
                r = self.ranks.get((parts[i], parts[i + 1]))
                if r is not None and (best_rank is None or r < best_rank):
                    best, best_rank = i, r
            if best is None:
                break
            a, b = parts[best], parts[best + 1]
            out, i = [], 0
            # merge every occurrence of the best pair, left to right (same result as HF's queue)
            while i < len(parts):
                if i < len(parts) - 1 and parts[i] == a and parts[i + 1] == b:
                    out.append(a + b)
                    i += 2
                else:
                    out.append(parts[i])
                    i += 1
            parts = out
        return [self.vocab[p] for p in parts]

    def encode(self, text):
        """Plain text only: special-token strings inside `text` are encoded as ordinary text."""
        ids = []
        cache = self.cache
        for piece in SPLIT_RE.findall(text):
            r = cache.get(piece)
            if r is None:
                r = self._bpe(''.join(BYTE_TO_CHAR[b] for b in piece.encode('utf-8')))
                if len(cache) < 500_000:
                    cache[piece] = r
            ids.extend(r)
        return ids

    def decode_bytes(self, ids):
        out = bytearray()
        for i in ids:
            t = self.id_to_token[i]
            if t in self.special:
                out += t.encode()
            else:
                out += bytes(CHAR_TO_BYTE[c] for c in t)
        return bytes(out)

    def decode(self, ids):
        return self.decode_bytes(ids).decode('utf-8', errors='replace')
