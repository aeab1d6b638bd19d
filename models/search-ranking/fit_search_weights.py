#!/usr/bin/env python3
"""Fits the API search's re-ranking weights (src/core/search/ranking.ts, `searchRanking.weights`).

Input: one JSONL file per development repository, written by dump_candidates.mts: per
conversational case, BM25's top candidates in BM25's order with their features (the names in
features.json beside them) and the index of the case's target among them (-1: not among them).
The model is a conditional logit: score = sum(w_f * feature_f), a softmax over each case's
candidates, maximising the target's log-likelihood; each repository weighs at most 150 cases, so
one large repository does not decide. The weights are printed divided by the weight of
`relative` (the BM25 score over the top candidate's), which the product holds at 1.

    python3 models/search-ranking/fit_search_weights.py <dump-dir> [--loro] [--drop=f1,f2] [--l2=x] [--per-language [--same=f1,f2]]

--per-language measures a weight set per language family (`ecma`: TypeScript/JavaScript,
`python`), fitted together: python's weights are ecma's plus a difference per feature, the L2
penalty keeping the differences to what the data shows; `--same=` names features both sets
share. Measured in round 5 and not used (README).

With --loro: each repository's accuracy@1/@5 with the weights fitted on all the other
repositories (leave-one-repository-out), next to BM25's order, and the macro means per language.
Needs numpy. Fit on development repositories only, never on the test ones.
"""
import glob, json, os, sys
import numpy as np

PYTHON = set('pipint pyparsing yaml jwt httplib2 requests packaging distlib cachecontrol resolvelib chardet wadllib argcomplete softprop pytest attr docutils pluggy pil fonttools matplotlib'.split())
SCALE = 'relative'


def load(directory, width, differences):
    """Per repository its cases (features, target); a Python repository's features also in the difference columns."""
    repos = {}
    for path in sorted(glob.glob(os.path.join(directory, '*.jsonl'))):
        name = os.path.basename(path)[:-6]
        python = 1.0 if name in PYTHON else 0.0
        cases = []
        for c in map(json.loads, open(path)):
            X = np.array(c['features']).reshape(-1, width)
            cases.append((np.hstack([X, python * X[:, differences]]), c['target']))
        repos[name] = cases
    return repos


def ranks(cases, w):
    """1-based rank of each target (0: not among the candidates); ties keep BM25's order. w None: BM25's order."""
    out = []
    for X, y in cases:
        if y < 0 or w is None:
            out.append(y + 1)
            continue
        s = X @ w
        out.append(1 + int(np.sum(s[:y] >= s[y])) + int(np.sum(s[y + 1:] > s[y])))
    return out


def accuracy(cases, w):
    r = ranks(cases, w)
    return sum(1 for x in r if x == 1) / len(r), sum(1 for x in r if 1 <= x <= 5) / len(r)


def fit(case_lists, columns, scale, iterations=300, l2=0.003, lr=0.05):
    """Adam on the weighted mean log-likelihood (cases padded to one array, masked)."""
    data = []
    for cases in case_lists:
        weight = min(1.0, 150.0 / len(cases))
        data += [(X[:, columns], y, weight) for X, y in cases if y >= 0]
    depth = max(X.shape[0] for X, _, _ in data)
    X = np.zeros((len(data), depth, len(columns)))
    mask = np.full((len(data), depth), -np.inf)
    for k, (x, _, _) in enumerate(data):
        X[k, :x.shape[0]] = x
        mask[k, :x.shape[0]] = 0.0
    target = X[np.arange(len(data)), [y for _, y, _ in data]]
    weight = np.array([d[2] for d in data])
    w = np.zeros(len(columns))
    w[columns.index(scale)] = 1.0
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, iterations + 1):
        s = X @ w + mask
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        g = weight @ (target - np.einsum('cd,cdf->cf', p, X)) / weight.sum() - l2 * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w += lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    full = np.zeros(case_lists[0][0][0].shape[1])
    full[columns] = w
    return full


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    directory = sys.argv[1]
    names = json.load(open(os.path.join(directory, 'features.json')))
    drop = {n for a in sys.argv if a.startswith('--drop=') for n in a[len('--drop='):].split(',')}
    l2 = next((float(a[len('--l2='):]) for a in sys.argv if a.startswith('--l2=')), 0.003)
    kept = [i for i, n in enumerate(names) if n not in drop]
    same = {n for a in sys.argv if a.startswith('--same=') for n in a[len('--same='):].split(',')} | {SCALE}
    differences = [i for i in kept if names[i] not in same] if '--per-language' in sys.argv else []
    columns = kept + [len(names) + k for k in range(len(differences))]
    scale = names.index(SCALE)
    repos = load(directory, len(names), differences)
    if '--loro' in sys.argv:
        rows = []
        for held in repos:
            w = fit([c for r, c in repos.items() if r != held], columns, scale, l2=l2)
            rows.append((held, len(repos[held])) + accuracy(repos[held], None) + accuracy(repos[held], w))
            print('%-13s %4d cases  BM25 @1 %5.1f @5 %5.1f  re-ranked @1 %5.1f @5 %5.1f' % (rows[-1][0], rows[-1][1], *(100 * x for x in rows[-1][2:])), flush=True)
        for label, sel in (('all', lambda n: True), ('ts/js', lambda n: n not in PYTHON), ('python', lambda n: n in PYTHON)):
            rs = [r for r in rows if sel(r[0])]
            print('%-7s macro of %2d: BM25 @1 %.1f @5 %.1f -> re-ranked @1 %.1f @5 %.1f; @5 up on %d, down on %d' % (
                label, len(rs), *(100 * np.mean([r[k] for r in rs]) for k in (2, 3, 4, 5)),
                sum(1 for r in rs if r[5] > r[3] + 1e-9), sum(1 for r in rs if r[5] < r[3] - 1e-9)))
    w = fit(list(repos.values()), columns, scale, l2=l2)
    ecma = w[:len(names)].copy()
    python = ecma.copy()
    python[differences] += w[len(names):]
    as_weights = lambda ws: {n: round(float(x / w[scale]), 3) for n, x in zip(names, ws)}
    print(json.dumps({'ecma': as_weights(ecma), 'python': as_weights(python)} if differences else as_weights(ecma)))


if __name__ == '__main__':
    main()
