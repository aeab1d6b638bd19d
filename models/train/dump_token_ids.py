"""Write Python-side token ids for sample files so verify_tokenizer.mjs can compare them with JS."""
import json, os, sys
from tok import Tokenizer

here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.join(here, '..', 'tokenwise-code-small')
tk = Tokenizer(os.path.join(out_dir, 'tokenizer.json'))
samples = []
with open(os.path.join(here, '..', 'corpus', 'heldout.jsonl')) as f:
    for line in f:
        d = json.loads(line)
        samples.append({'path': d['path'], 'text': d['text'], 'ids': tk.encode(d['text'])})
# edge cases: unicode, CRLF, digits, long whitespace, emoji, combining marks
extra = ["x = 12345678\r\n\tif a:\r\n        return 'naïve' + \"日本語\" # 😀 e\u0301\n\n\n", "   \n  \t \u00a0 end", ""]
for t in extra:
    samples.append({'path': 'edge', 'text': t, 'ids': tk.encode(t)})
json.dump(samples, open(sys.argv[1], 'w'))
print(len(samples), 'samples,', sum(len(s['ids']) for s in samples), 'tokens,',
      sum(len(s['text'].encode()) for s in samples) / sum(max(1, len(s['ids'])) for s in samples), 'bytes/token')
