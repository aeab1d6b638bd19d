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
        [--folds=K] [--train-only=r1,r2] [--hidden=N [--iterations=K] [--blind=f1,f2]]

--folds=K (with --loro) holds the repositories out in K groups instead of one by one (K fits).
--train-only=a,b keeps those repositories in every training group and never holds them out.
--hidden=N measures N tanh units beside the linear score (`Model`, features standardized by the
training rows' mean and spread), fitted with it; --blind= names features the units do not see.
ranking.ts has no such layer: measured in round 8 and not kept (README), so the last line is then
only the fit's linear part.

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

PYTHON = set('pipint pyparsing yaml jwt httplib2 requests packaging distlib cachecontrol resolvelib chardet wadllib argcomplete softprop pytest attr docutils pluggy pil fonttools matplotlib sqlalchemy tornado networkx sphinx'.split())
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


def score(X, w):
    """The re-ranked score of a case's candidates: linear weights, or a Model (linear plus a tanh layer)."""
    return w.score(X) if isinstance(w, Model) else X @ w


def ranks(cases, w):
    """1-based rank of each target (0: not among the candidates); ties keep BM25's order. w None: BM25's order."""
    out = []
    for X, y in cases:
        if y < 0 or w is None:
            out.append(y + 1)
            continue
        s = score(X, w)
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


class Model:
    """score = X·w + Σ_j out_j · tanh(bias_j + Σ_f U_jf · (X_f − mean_f) / spread_f): the linear score plus a small tanh layer."""

    def __init__(self, w, mean, spread, U, b, out):
        self.w, self.mean, self.spread, self.U, self.b, self.out = w, mean, spread, U, b, out

    def score(self, X):
        return X @ self.w + np.tanh(((X - self.mean) / self.spread) @ self.U.T + self.b) @ self.out


def fit_hidden(case_lists, columns, scale, units, iterations=600, l2=0.003, lr=0.02, seed=0, blind=()):
    """The conditional logit of `fit` with `units` tanh units beside the linear score (Adam, full batch); the units do not see the `blind` columns."""
    data = []
    for cases in case_lists:
        weight = min(1.0, 150.0 / len(cases))
        data += [(X[:, columns], y, weight) for X, y in cases if y >= 0]
    depth = max(X.shape[0] for X, _, _ in data)
    F = len(columns)
    X = np.zeros((len(data), depth, F))
    valid = np.zeros((len(data), depth), dtype=bool)
    for k, (x, _, _) in enumerate(data):
        X[k, :x.shape[0]] = x
        valid[k, :x.shape[0]] = True
    rows = X[valid]
    mean = rows.mean(axis=0)
    spread = rows.std(axis=0) + 1e-6
    Xn = (X - mean) / spread
    mask = np.where(valid, 0.0, -np.inf)
    ys = np.array([y for _, y, _ in data])
    weight = np.array([d[2] for d in data]) / sum(d[2] for d in data)
    rng = np.random.default_rng(seed)
    sees = np.array([0.0 if c in blind else 1.0 for c in columns])
    params = {'w': np.zeros(F), 'U': rng.normal(0, 0.1, (units, F)) * sees, 'b': np.zeros(units), 'out': rng.normal(0, 0.1, units)}
    params['w'][columns.index(scale)] = 1.0
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v2 = {k: np.zeros_like(v) for k, v in params.items()}
    idx = np.arange(len(data))
    for t in range(1, iterations + 1):
        w, U, b, out = params['w'], params['U'], params['b'], params['out']
        H = np.tanh(Xn @ U.T + b)
        s = X @ w + H @ out + mask
        p = np.exp(s - s.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        d = -p
        d[idx, ys] += 1.0
        d *= weight[:, None]
        d[~valid] = 0.0
        dZ = (d[:, :, None] * out[None, None, :]) * (1 - H * H)
        grads = {'w': np.einsum('cd,cdf->f', d, X) - l2 * w, 'out': np.einsum('cd,cdj->j', d, H) - l2 * out,
                 'U': (np.einsum('cdj,cdf->jf', dZ, Xn) - l2 * U) * sees, 'b': dZ.sum(axis=(0, 1))}
        for k in params:
            m[k] = 0.9 * m[k] + 0.1 * grads[k]
            v2[k] = 0.999 * v2[k] + 0.001 * grads[k] ** 2
            params[k] = params[k] + lr * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v2[k] / (1 - 0.999 ** t)) + 1e-8)
    full_w = np.zeros(case_lists[0][0][0].shape[1])
    full_w[columns] = params['w']
    n = full_w.shape[0]
    full_mean, full_spread, full_U = np.zeros(n), np.ones(n), np.zeros((units, n))
    full_mean[columns], full_spread[columns], full_U[:, columns] = mean, spread, params['U']
    return Model(full_w, full_mean, full_spread, full_U, params['b'], params['out'])


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
    units = next((int(a[len('--hidden='):]) for a in sys.argv if a.startswith('--hidden=')), 0)
    iterations = next((int(a[len('--iterations='):]) for a in sys.argv if a.startswith('--iterations=')), 600)
    # --blind=f1,f2: features the tanh units do not see (BM25's scores, which weigh the docs the evaluation hides from its targets).
    blind = {names.index(n) for a in sys.argv if a.startswith('--blind=') for n in a[len('--blind='):].split(',')}
    learn = (lambda lists: fit_hidden(lists, columns, scale, units, iterations=iterations, l2=l2, blind=blind)) if units else (lambda lists: fit(lists, columns, scale, l2=l2))
    folds = next((int(a[len('--folds='):]) for a in sys.argv if a.startswith('--folds=')), 0)
    if '--loro' in sys.argv:
        rows = []
        # --folds=K: the repositories in K groups (every K-th in sorted order), each group ranked by weights fitted on the others — K fits instead of one per repository.
        # --train-only=a,b: repositories always in the training groups, never held out (more data, the same held-out cases).
        train_only = {n for a in sys.argv if a.startswith('--train-only=') for n in a[len('--train-only='):].split(',')}
        group = {r: (k % folds if folds else k) for k, r in enumerate(sorted(r for r in repos if r not in train_only))}
        group.update({r: -1 for r in repos if r in train_only})
        fitted = {}
        for held in (r for r in repos if r not in train_only):
            g = group[held]
            if g not in fitted:
                fitted[g] = learn([c for r, c in repos.items() if group[r] != g])
            w = fitted[g]
            rows.append((held, len(repos[held])) + accuracy(repos[held], None) + accuracy(repos[held], w))
            print('%-13s %4d cases  BM25 @1 %5.1f @5 %5.1f  re-ranked @1 %5.1f @5 %5.1f' % (rows[-1][0], rows[-1][1], *(100 * x for x in rows[-1][2:])), flush=True)
        for label, sel in (('all', lambda n: True), ('ts/js', lambda n: n not in PYTHON), ('python', lambda n: n in PYTHON)):
            rs = [r for r in rows if sel(r[0])]
            print('%-7s macro of %2d: BM25 @1 %.1f @5 %.1f -> re-ranked @1 %.1f @5 %.1f; @5 up on %d, down on %d' % (
                label, len(rs), *(100 * np.mean([r[k] for r in rs]) for k in (2, 3, 4, 5)),
                sum(1 for r in rs if r[5] > r[3] + 1e-9), sum(1 for r in rs if r[5] < r[3] - 1e-9)))
    if units:
        model = learn(list(repos.values()))
        k = model.w[scale]
        print(json.dumps({n: round(float(x / k), 3) for n, x in zip(names, model.w)}))
        return
    w = fit(list(repos.values()), columns, scale, l2=l2)
    ecma = w[:len(names)].copy()
    python = ecma.copy()
    python[differences] += w[len(names):]
    as_weights = lambda ws: {n: round(float(x / w[scale]), 3) for n, x in zip(names, ws)}
    print(json.dumps({'ecma': as_weights(ecma), 'python': as_weights(python)} if differences else as_weights(ecma)))


if __name__ == '__main__':
    main()
