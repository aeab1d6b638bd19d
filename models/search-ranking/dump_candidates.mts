// Dumps the conversational cases of the development repositories (../member-ranking/dev_repositories.txt)
// for fit_search_weights.py: per case (query = a doc's first sentence, the target scored without
// its doc, as `eval api`), BM25's top candidates in BM25's order, their re-ranking features and
// the target's place among them (BM25's order: what the re-ranker is given).
//     node --import tsx models/search-ranking/dump_candidates.mts <out-dir> [--list <file>] [name…]
// --list reads the repositories from another `name path` file (../member-ranking/corpus_repositories.txt:
// training-only ones, fitted on with fit_search_weights.py --train-only=, never held out).
// SEARCH_TUNING='{"thesaurus":0.3}' overrides searchTuning (bm25.ts) for the dump, to measure a
// retrieval change without editing its defaults (each setting needs its own dump).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nodeWorkspaceFs } from '../../src/cli/workspaceFs';
import { buildIndex } from '../../src/core/index';
import { ApiSearch, searchTuning } from '../../src/core/search/bm25';
import { searchFeatures, searchRanking } from '../../src/core/search/ranking';
import { SyntaxService } from '../../src/core/syntax';
import { conversationalCases, nonQueryRule } from '../../src/tools/eval/apiEval';

const args = process.argv.slice(2);
const listAt = args.indexOf('--list');
const listValue = listAt >= 0 ? args.splice(listAt, 2)[1] : undefined;
const [out, ...only] = args;
if (!out || (listAt >= 0 && !listValue)) throw new Error('usage: dump_candidates.mts <out-dir> [--list <file>] [name…]');
const listFile = listValue ? resolve(listValue) : undefined;
mkdirSync(out, { recursive: true });
if (process.env.SEARCH_TUNING) {
  const override = JSON.parse(process.env.SEARCH_TUNING) as Record<string, unknown>;
  for (const key of Object.keys(override)) if (!(key in searchTuning)) throw new Error(`SEARCH_TUNING: no searchTuning.${key}`);
  Object.assign(searchTuning, override);
  writeFileSync(join(out, 'tuning.json'), JSON.stringify(override));
}
writeFileSync(join(out, 'features.json'), JSON.stringify(searchFeatures));
const repositories = readFileSync(listFile ?? new URL('../member-ranking/dev_repositories.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'))
  .map((line) => line.split(/\s+/) as [string, string]);
const syntax = new SyntaxService();
for (const [name, dir] of repositories) {
  if (only.length && !only.includes(name)) continue;
  const { index } = await buildIndex(nodeWorkspaceFs, resolve(dir), syntax, {});
  const search = new ApiSearch(index);
  const lines: string[] = [];
  for (const c of conversationalCases(index, search, 500)) {
    if (nonQueryRule(c.query)) continue;
    const hits = search.search(c.query, { limit: searchRanking.depth, excludeDocOf: c.ref, explain: true, rerank: false });
    const api = search.apiOf(c.ref);
    lines.push(JSON.stringify({ query: c.query, target: hits.findIndex((h) => search.apiOf(h.ref) === api), features: hits.map((h) => h.features!.map((x) => +x.toFixed(4))) }));
  }
  writeFileSync(join(out, `${name}.jsonl`), lines.join('\n') + '\n');
  console.log(name, lines.length, 'cases');
}
syntax.dispose();
