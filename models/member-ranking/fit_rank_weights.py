#!/usr/bin/env python3
"""Fits the member ranking's weights (src/core/index/ranking.ts, `rankWeights`) from case dumps.

Each dump is one repository's `eval api --cases <name>.jsonl --case-candidates 60` output: per
call site, the ranked candidates with their raw features and the hidden member. The model is a
conditional logit: score = base + sum(w_f * feature_f), a softmax over each case's candidates,
maximising the hidden member's log-likelihood (the kind score `base` keeps weight 1, which sets
the scale). Each repository weighs at most 150 cases, so one large repository does not decide.

    python3 models/member-ranking/fit_rank_weights.py <dump-dir> [--loro] [--without f1,f2]

prints the fitted weights and, with --loro, each repository's accuracy@1/@5 when the weights are
fitted on all the other repositories (leave-one-repository-out), pooled and as a mean of
repositories, for all and per language. --without leaves features out (their weight 0: ablation).
Needs numpy (Debian: python3-numpy). Fit on development repositories only, never on the test ones.
"""
import glob, json, os, sys
import numpy as np

FEATURES = ['similarBest', 'similarMean', 'fileSimilar', 'popularity', 'receiverUsage', 'echo', 'context', 'sameReceiver',
            'fileUse', 'fileReceiver', 'fileRecent', 'fileReceiverCalls', 'enclosing', 'predicate', 'boolReturn',
            'inherited', 'private', 'data', 'assigned', 'awaited', 'unawaitedAsync', 'nearShape', 'paramEcho', 'docEcho', 'defNear',
            'transition', 'transitionAny', 'voidUsed', 'valueDropped', 'voidDropped', 'coUsage', 'coUsageMean']
# The resolved-class bonus by how the class was found (only guessed classes mix in the fallback list).
COLUMNS = ['base', 'resolved', 'resolvedByUsage', 'resolvedBySimilarity'] + FEATURES
WEAK = ('usage', 'similarity')


def load(directory):
    repos, languages = {}, {}
    for path in sorted(glob.glob(os.path.join(directory, '*.jsonl'))):
        cases = []
        for line in open(path):
            c = json.loads(line)
            cands = c.get('candidates') or []
            by = c['resolvedBy']
            rows = [[x['base'],
                     1.0 if x['resolved'] and by not in WEAK else 0.0,
                     1.0 if x['resolved'] and by == 'usage' else 0.0,
                     1.0 if x['resolved'] and by == 'similarity' else 0.0] + [x['features'].get(f, 0.0) for f in FEATURES] for x in cands]
            target = next((i for i, x in enumerate(cands) if x['label'] == c['member']), -1)
            cases.append((np.array(rows), target) if rows else (None, -1))
            language = 'python' if c['file'].endswith('.py') else 'ecma'
        if cases:
            repos[os.path.basename(path)[:-6]] = cases
            languages[os.path.basename(path)[:-6]] = language
    return repos, languages


def accuracy(cases, w):
    at1 = at5 = 0
    for X, y in cases:
        if y < 0:
            continue
        s = X @ w
        rank = 1 + int(np.sum(s > s[y] + 1e-12))
        at1 += rank == 1
        at5 += rank <= 5
    return at1 / len(cases), at5 / len(cases)


def fit(case_lists, iterations=250, l2=0.01, lr=0.05, frozen=()):
    # All candidates stacked: one matrix, each case a segment of it (softmax per segment).
    blocks, targets, weights = [], [], []
    for cases in case_lists:
        weight = min(1.0, 150.0 / len(cases))
        for X, y in cases:
            if y >= 0:
                targets.append(sum(len(b) for b in blocks) + y)
                blocks.append(X)
                weights.append(weight)
    X = np.ascontiguousarray(np.vstack(blocks))
    starts = np.cumsum([0] + [len(b) for b in blocks[:-1]])
    segment = np.repeat(np.arange(len(blocks)), [len(b) for b in blocks])
    weights = np.array(weights)
    total = weights.sum()
    row_weights = weights[segment]
    target_sum = weights @ X[targets]
    w = np.zeros(len(COLUMNS))
    w[0] = 1.0
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, iterations + 1):
        s = X @ w
        s = s - np.maximum.reduceat(s, starts)[segment]
        p = np.exp(s)
        p /= np.add.reduceat(p, starts)[segment]
        # Σ_case weight · (x_target − E_p[x])
        g = target_sum - X.T @ (row_weights * p)
        g = g / total - l2 * w
        g[0] = 0.0  # the kind score's weight stays 1
        for i in frozen:
            g[i] = 0.0
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w += lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    repos, languages = load(sys.argv[1])
    without = sys.argv[sys.argv.index('--without') + 1].split(',') if '--without' in sys.argv else []
    frozen = [COLUMNS.index(f) for f in without]
    if '--loro' in sys.argv:
        rows = []
        for held in repos:
            w = fit([c for r, c in repos.items() if r != held], frozen=frozen)
            rows.append((held, len(repos[held])) + accuracy(repos[held], w))
            print('%-14s %4d cases  acc@1 %5.1f  acc@5 %5.1f' % (rows[-1][0], rows[-1][1], 100 * rows[-1][2], 100 * rows[-1][3]), flush=True)
        for label, group in [('all', rows)] + [(lang, [r for r in rows if languages[r[0]] == lang]) for lang in sorted(set(languages.values()))]:
            cases = sum(r[1] for r in group)
            print('leave-one-repository-out, %s: mean of %d repositories acc@1 %.1f  acc@5 %.1f; %d cases pooled acc@1 %.1f  acc@5 %.1f' % (
                label, len(group), 100 * np.mean([r[2] for r in group]), 100 * np.mean([r[3] for r in group]), cases,
                100 * sum(r[1] * r[2] for r in group) / cases, 100 * sum(r[1] * r[3] for r in group) / cases))
    w = fit(list(repos.values()), frozen=frozen)
    print(json.dumps({c: round(float(x), 2) for c, x in zip(COLUMNS, w)}))


if __name__ == '__main__':
    main()
