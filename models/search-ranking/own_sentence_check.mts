// The real-use check of round 14 (README there): `eval api` never asks by a doc that is shown, so it
// cannot see a borrowed doc outranking the symbol whose own doc it is. For every documented method
// with a documented relative along its override chain (`ApiSearch.chainOf`) whose doc opens
// differently, ask the method's own first sentence, nothing hidden, and count the relatives listed
// above it (or listed where it is not), per setting of the field weights:
//     SETTINGS='[{"baseDoc":1.5,"derivedDoc":1.5},{"baseDoc":0,"derivedDoc":0}]' \
//       node --import tsx models/search-ranking/own_sentence_check.mts <list> [name…]
// <list>: `name path` lines (the development list `../fetch_repositories.sh` writes; never the held-out one).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { nodeWorkspaceFs } from '../../src/cli/workspaceFs';
import { buildIndex } from '../../src/core/index';
import { ApiSearch, firstSentence, searchTuning } from '../../src/core/search/bm25';
import { SyntaxService } from '../../src/core/syntax';

const [list, ...only] = process.argv.slice(2);
if (!list) throw new Error('usage: own_sentence_check.mts <list> [name…]');
const settings = JSON.parse(process.env.SETTINGS ?? '[{}]') as Array<Partial<typeof searchTuning.weights>>;
const totals = settings.map(() => ({ pairs: 0, above: 0 }));
const syntax = new SyntaxService();
for (const line of readFileSync(list, 'utf8').split('\n')) {
  if (!line.trim() || line.startsWith('#')) continue;
  const [name, dir] = line.split(/\s+/) as [string, string];
  if (only.length && !only.includes(name)) continue;
  const { index } = await buildIndex(nodeWorkspaceFs, resolve(dir), syntax, {});
  for (const [k, weights] of settings.entries()) {
    const saved = { ...searchTuning.weights };
    Object.assign(searchTuning.weights, weights);
    const search = new ApiSearch(index);
    let pairs = 0;
    let above = 0;
    for (const ref of index.allSymbols()) {
      if (!ref.symbol.doc || !search.has(ref)) continue;
      const query = firstSentence(ref.symbol.doc);
      const relatives = search.chainOf(ref).filter((r) => firstSentence(r.symbol.doc ?? '') !== query);
      if (!relatives.length || query.split(/\s+/).length < 3) continue;
      const hits = search.search(query, { limit: 20 });
      const at = (r: typeof ref) => hits.findIndex((h) => search.apiOf(h.ref) === search.apiOf(r));
      const own = at(ref);
      for (const r of relatives) {
        pairs++;
        const theirs = at(r);
        if (theirs >= 0 && (own < 0 || theirs < own)) above++;
      }
    }
    Object.assign(searchTuning.weights, saved);
    totals[k]!.pairs += pairs;
    totals[k]!.above += above;
    console.log(name, JSON.stringify(weights), `${above} of ${pairs} relatives above`);
  }
}
for (const [k, weights] of settings.entries()) console.log('all', JSON.stringify(weights), `${totals[k]!.above} of ${totals[k]!.pairs} relatives above`);
syntax.dispose();
