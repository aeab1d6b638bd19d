#!/usr/bin/env python3
"""Fits the member ranking's boosted trees (src/core/index/rankingTrees.json) on top of its
linear weights, from the same case dumps as fit_rank_weights.py.

The linear conditional logit (fit_rank_weights.py) adds each feature on its own; it cannot say
"a call bigram counts for more when the class was only guessed" or "popularity matters only when
nothing in this file used the member". Gradient-boosted regression trees learn such
interactions: starting from the linear score, each tree is a Newton step on the same objective
(the softmax over a case's candidates, the hidden member's log-likelihood), fitted to the
per-candidate gradient (target − p) with weights p(1 − p). The product adds the trees' sum to
the linear score of the top `top` candidates by the linear score (at most the dumps' 60).

    python3 models/member-ranking/fit_rank_trees.py <dump-dir> [--loro | --folds k] [--rounds n]
        [--depth d] [--rate r] [--min-leaf m] [--top k] [--write src/core/index/rankingTrees.json]

--loro prints each repository's accuracy@1/@5 with linear weights and trees fitted on the other
repositories (leave-one-repository-out), pooled and as a mean, for all and per language, next to
the linear model alone; --folds k does the same with k groups of repositories (faster). --write
stores the trees fitted on every repository and prints the linear weights they go with (copy
them into `rankWeights`). Needs numpy and scikit-learn (Debian: python3-numpy, python3-sklearn).
Fit on development repositories only, never on the test ones.
"""
import json, os, sys
import numpy as np
from sklearn.tree import DecisionTreeRegressor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fit_rank_weights as linear  # noqa: E402

# The trees see the linear model's columns, the language (1 for Python) and the candidate's shape
# (features the dumps record without a linear weight).
SHAPE = ['paramCount', 'nameWords', 'callable', 'documented', 'isStatic', 'sameFile', 'crowd', 'statement']
if '--no-shape' in sys.argv:
    SHAPE = []
# --without a,b: features (linear or shape) left out entirely, to measure them.
WITHOUT = sys.argv[sys.argv.index('--without') + 1].split(',') if '--without' in sys.argv else []
linear.FEATURES[:] = [f for f in linear.FEATURES if f not in WITHOUT]
linear.COLUMNS[:] = [f for f in linear.COLUMNS if f not in WITHOUT]
SHAPE = [f for f in SHAPE if f not in WITHOUT]
TREE_COLUMNS = linear.COLUMNS + ['python'] + SHAPE
TOP = 60
# --per-language: one set of trees per language, each fitted on that language's repositories only.
PER_LANGUAGE = '--per-language' in sys.argv


def with_language_and_shape(directory, repos, languages):
    out = {}
    for repo, cases in repos.items():
        flag = 1.0 if languages[repo] == 'python' else 0.0
        lines = [json.loads(line) for line in open(os.path.join(directory, repo + '.jsonl'))]
        assert len(lines) == len(cases), repo
        out[repo] = []
        for (X, y), c in zip(cases, lines):
            if X is None:
                out[repo].append((None, -1))
                continue
            shape = np.array([[x['features'].get(f, 0.0) for f in SHAPE] for x in c['candidates']])
            out[repo].append((np.hstack([X, np.full((len(X), 1), flag), shape]), y))
    return out


def stack(case_lists):
    blocks, targets, weights = [], [], []
    rows = 0
    for cases in case_lists:
        if not cases:
            continue
        weight = min(1.0, 150.0 / len(cases))
        for X, y in cases:
            if y >= 0:
                targets.append(rows + y)
                blocks.append(X)
                weights.append(weight)
                rows += len(X)
    X = np.vstack(blocks)
    starts = np.cumsum([0] + [len(b) for b in blocks[:-1]])
    segment = np.repeat(np.arange(len(blocks)), [len(b) for b in blocks])
    Y = np.zeros(len(X))
    Y[targets] = 1.0
    return X, Y, starts, segment, np.array(weights)[segment]


def softmax(s, starts, segment):
    s = s - np.maximum.reduceat(s, starts)[segment]
    p = np.exp(s)
    return p / np.add.reduceat(p, starts)[segment]


def head(cases, w, top):
    """Each case cut to its `top` candidates by the linear score (what the trees re-score), the target's index in it or -1."""
    out = []
    for X, y in cases:
        if X is None or y < 0:
            out.append((X, -1))
            continue
        linear_scores = X[:, :len(w)] @ w
        order = np.argsort(-linear_scores, kind='stable')[:top]
        out.append((X[order], int(np.where(order == y)[0][0]) if y in order else -1))
    return out


def fit_trees(case_lists, w, rounds, depth, rate, min_leaf, top):
    # Cases whose target is below the head teach the trees nothing they could use.
    X, Y, starts, segment, row_weights = stack([[c for c in head(cases, w, top) if c[1] >= 0] for cases in case_lists])
    s = X[:, :len(w)] @ w
    trees = []
    for _ in range(rounds):
        p = softmax(s, starts, segment)
        h = np.maximum(p * (1 - p), 1e-6) * row_weights
        tree = DecisionTreeRegressor(max_depth=depth, min_samples_leaf=min_leaf)
        tree.fit(X, (Y - p) * row_weights / h, sample_weight=h)
        s += rate * tree.predict(X)
        trees.append(tree)
    return trees


def scores(X, w, trees, rate):
    s = X[:, :len(w)] @ w
    for tree in trees:
        s = s + rate * tree.predict(X)
    return s


def accuracy(cases, w, trees, rate, top):
    at1 = at5 = 0
    for (X, y), (H, yh) in zip(cases, head(cases, w, top)):
        if y < 0:
            continue
        if yh >= 0:
            s = scores(H, w, trees, rate)
            rank = 1 + int(np.sum(s > s[yh] + 1e-12))
        else:
            s = X[:, :len(w)] @ w
            rank = 1 + int(np.sum(s > s[y] + 1e-12))
        at1 += rank == 1
        at5 += rank <= 5
    return at1 / len(cases), at5 / len(cases)


def linear_part(cases_list):
    return [[(None, -1) if X is None else (X[:, :len(linear.COLUMNS)], y) for X, y in cases] for cases in cases_list]


def held_out(repos, languages, groups, options):
    rows = []
    for held in groups:
        train = [c for r, c in repos.items() if r not in held]
        w = linear.fit(linear_part(train))
        if PER_LANGUAGE:
            by_language = {lang: fit_trees([c for r, c in repos.items() if r not in held and languages[r] == lang], w, *options)
                           for lang in {languages[r] for r in held}}
        else:
            trees = fit_trees(train, w, *options)
        for r in held:
            if PER_LANGUAGE:
                trees = by_language[languages[r]]
            rows.append((r, len(repos[r])) + accuracy(repos[r], w, [], options[2], options[4]) + accuracy(repos[r], w, trees, options[2], options[4]))
            if len(held) == 1:
                print('%-14s %4d cases  linear acc@1 %5.1f  acc@5 %5.1f   + trees acc@1 %5.1f  acc@5 %5.1f' % (r, rows[-1][1], *(100 * x for x in rows[-1][2:])), flush=True)
    for label, group in [('all', rows)] + [(lang, [r for r in rows if languages[r[0]] == lang]) for lang in sorted(set(languages.values()))]:
        n = sum(r[1] for r in group)
        pooled = [100 * sum(r[1] * r[i] for r in group) / n for i in range(2, 6)]
        mean = [100 * np.mean([r[i] for r in group]) for i in range(2, 6)]
        print('held out, %-6s %2d repositories, %4d cases: linear pooled %.1f / %.1f (mean %.1f / %.1f)  + trees pooled %.1f / %.1f (mean %.1f / %.1f)' % (
            label, len(group), n, pooled[0], pooled[1], mean[0], mean[1], pooled[2], pooled[3], mean[2], mean[3]), flush=True)


def export(trees, rate):
    out = []
    for tree in trees:
        t = tree.tree_
        leaf = t.children_left < 0
        out.append({
            'feature': [-1 if leaf[i] else int(t.feature[i]) for i in range(t.node_count)],
            'threshold': [0 if leaf[i] else float(t.threshold[i]) for i in range(t.node_count)],
            'left': [int(x) for x in t.children_left],
            'right': [int(x) for x in t.children_right],
            'value': [round(rate * float(t.value[i][0][0]), 6) for i in range(t.node_count)],
        })
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    arg = lambda name, default: type(default)(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default
    options = (arg('--rounds', 100), arg('--depth', 3), arg('--rate', 0.1), arg('--min-leaf', 50), arg('--top', TOP))
    repos, languages = linear.load(sys.argv[1])
    repos = with_language_and_shape(sys.argv[1], repos, languages)
    if '--loro' in sys.argv:
        held_out(repos, languages, [[r] for r in repos], options)
    elif '--folds' in sys.argv:
        # --train-only a,b: repositories always in the training folds, never held out (more data, the same held-out set).
        train_only = set(arg('--train-only', '').split(','))
        names = sorted(r for r in repos if r not in train_only)
        k = arg('--folds', 4)
        held_out(repos, languages, [names[i::k] for i in range(k)], options)
    w = linear.fit(linear_part(repos.values()))
    print(json.dumps({c: round(float(x), 2) for c, x in zip(linear.COLUMNS, w)}))
    if '--write' in sys.argv:
        # The trees must see the linear score the product computes: the weights as rounded above.
        w = np.round(w, 2)
        trees = fit_trees(list(repos.values()), w, *options)
        # A few training rows with the trees' sum as scikit-learn computes it: the product's test
        # walks the exported trees on them and must agree (split direction, node layout).
        X = stack([[c for c in head(cases, w, options[4]) if c[1] >= 0] for cases in repos.values()])[0]
        rows = X[np.linspace(0, len(X) - 1, 24).astype(int)]
        checks = [{'x': [float(v) for v in row], 'sum': float(sum(options[2] * t.predict(row[None, :])[0] for t in trees))} for row in rows]
        with open(arg('--write', ''), 'w') as f:
            json.dump({'fittedBy': 'models/member-ranking/fit_rank_trees.py', 'options': dict(zip(['rounds', 'depth', 'rate', 'minLeaf', 'top'], options)),
                       'columns': TREE_COLUMNS, 'top': options[4], 'checks': checks, 'trees': export(trees, options[2])}, f, separators=(',', ':'))
            f.write('\n')


if __name__ == '__main__':
    main()
