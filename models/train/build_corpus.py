"""Build the training / held-out corpus from permissively licensed code already on this machine.

Output (git-ignored): models/corpus/{train,heldout}.jsonl with one {"path","lang","source","text"} per
file, plus models/corpus/manifest.json with byte counts per source and licence (copied into README).
Held-out split: files whose sha1(path) falls in the lowest 2% are never used for tokenizer or model
training. Never reads /work/shared/data (evaluation data).
"""
import argparse, hashlib, json, os, sys

PY_STDLIB = '/usr/lib/python3.11'
PY_DIST = '/usr/lib/python3/dist-packages'
# Debian-packaged Python libraries with permissive licences (licence from each package's metadata /
# Debian copyright file). Capped per package so no single project dominates.
PY_PACKAGES = {
    'torch': 'BSD-3-Clause', 'torchgen': 'BSD-3-Clause', 'numpy': 'BSD-3-Clause',
    'sympy': 'BSD-3-Clause', 'mpmath': 'BSD-3-Clause', 'pygments': 'BSD-2-Clause',
    'setuptools': 'MIT', 'click': 'BSD-3-Clause', 'urllib3': 'MIT', 'pyparsing': 'MIT',
    'idna': 'BSD-3-Clause', 'psutil': 'BSD-3-Clause', 'onnx': 'Apache-2.0',
}
PER_PACKAGE_CAP = 6_000_000  # bytes
ALLOWED_NPM = {'MIT', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', 'ISC', '0BSD'}
JS_EXT = ('.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx')
HELDOUT_PERMILLE = 20


def looks_handwritten(text):
    # Minified bundles, generated tables and data blobs teach little about code people type.
    if not text.strip() or len(text) > 1_000_000:
        return False
    lines = text.split('\n')
    if max(len(l) for l in lines) > 500:
        return False
    if len(text) / len(lines) > 100:
        return False
    return True


def is_heldout(key):
    return int(hashlib.sha1(key.encode()).hexdigest(), 16) % 1000 < HELDOUT_PERMILLE


def read(path):
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8')
    except (UnicodeDecodeError, OSError):
        return None


def walk_files(root, exts, skip_dirs=()):
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in skip_dirs and x != '__pycache__')
        for f in sorted(files):
            if f.endswith(exts) and not f.endswith(('.min.js', '.min.mjs')):
                yield os.path.join(d, f)


def python_sources():
    skip = {'site-packages', 'dist-packages', 'encodings', 'pydoc_data', 'lib-dynload', 'idlelib'}
    for p in walk_files(PY_STDLIB, ('.py',), skip):
        if os.path.basename(p).startswith('_sysconfigdata') or '/config-3' in p:
            continue
        yield p, 'python', 'cpython-3.11-stdlib', 'PSF-2.0', None
    for pkg, lic in PY_PACKAGES.items():
        for p in walk_files(os.path.join(PY_DIST, pkg), ('.py', '.pyi')):
            yield p, 'python', pkg, lic, pkg


def npm_packages(root):
    for name in sorted(os.listdir(root)):
        if name.startswith('.'):
            continue
        if name.startswith('@'):
            for sub in sorted(os.listdir(os.path.join(root, name))):
                yield os.path.join(root, name, sub)
        else:
            yield os.path.join(root, name)


def js_sources(node_modules):
    for pkgdir in npm_packages(node_modules):
        try:
            meta = json.load(open(os.path.join(pkgdir, 'package.json')))
        except Exception:
            continue
        lic = meta.get('license')
        if not isinstance(lic, str) or lic not in ALLOWED_NPM:
            continue
        name = meta.get('name', os.path.basename(pkgdir))
        for p in walk_files(pkgdir, JS_EXT, ('node_modules',)):
            lang = 'typescript' if p.endswith(('.ts', '.mts', '.cts', '.tsx')) else 'javascript'
            yield p, lang, 'npm:' + name + '@' + meta.get('version', '?'), lic, 'npm:' + name


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'corpus'))
    ap.add_argument('--node-modules', default=os.path.join(os.path.dirname(__file__), '..', '..', 'node_modules'))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    seen, per_cap = set(), {}
    manifest = {}
    outs = {s: open(os.path.join(args.out, s + '.jsonl'), 'w') for s in ('train', 'heldout')}
    for path, lang, source, lic, cap_key in list(python_sources()) + list(js_sources(args.node_modules)):
        if '/work/shared' in os.path.realpath(path):
            continue
        text = read(path)
        if text is None or not looks_handwritten(text):
            continue
        h = hashlib.sha1(text.encode()).hexdigest()
        if h in seen:  # cjs/esm duplicates, vendored copies
            continue
        seen.add(h)
        n = len(text.encode())
        if cap_key and per_cap.get(cap_key, 0) + n > PER_PACKAGE_CAP:
            continue
        per_cap[cap_key] = per_cap.get(cap_key, 0) + n
        rel = os.path.relpath(path, '/') if not path.startswith(args.node_modules) else 'node_modules/' + os.path.relpath(path, args.node_modules)
        split = 'heldout' if is_heldout(rel) else 'train'
        outs[split].write(json.dumps({'path': rel, 'lang': lang, 'source': source, 'text': text}) + '\n')
        m = manifest.setdefault(source, {'licence': lic, 'lang': {}, 'train_files': 0, 'train_bytes': 0, 'heldout_files': 0, 'heldout_bytes': 0})
        m[split + '_files'] += 1
        m[split + '_bytes'] += n
        m['lang'][lang] = m['lang'].get(lang, 0) + n
    for f in outs.values():
        f.close()
    json.dump(manifest, open(os.path.join(args.out, 'manifest.json'), 'w'), indent=1, sort_keys=True)
    tot = {k: sum(m[k] for m in manifest.values()) for k in ('train_files', 'train_bytes', 'heldout_files', 'heldout_bytes')}
    print(json.dumps(tot))


if __name__ == '__main__':
    main()
