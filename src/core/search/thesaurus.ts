/**
 * A thesaurus learned from the repository itself: which identifier words go with which doc words
 * ("unsubscribes" in a doc ↔ `remove` in the name). Counted over documented symbols; a query word
 * is expanded to the name words that follow it far more often than chance. The counts of one
 * symbol can be left out (the evaluation's target: its doc must not reach its own score).
 */

export interface ThesaurusExclusion {
  doc: ReadonlySet<string>;
  name: ReadonlySet<string>;
}

export const thesaurusLimits = { minPairs: 2, minLift: 2, perTerm: 3 };

export class Thesaurus {
  /** Doc term → name term → symbols having both. */
  private readonly pairs = new Map<string, Map<string, number>>();
  private readonly docCount = new Map<string, number>();
  private readonly nameCount = new Map<string, number>();
  private documented = 0;

  add(docTerms: ReadonlySet<string>, nameTerms: ReadonlySet<string>): void {
    if (!docTerms.size || !nameTerms.size) return;
    this.documented++;
    for (const n of nameTerms) this.nameCount.set(n, (this.nameCount.get(n) ?? 0) + 1);
    for (const d of docTerms) {
      this.docCount.set(d, (this.docCount.get(d) ?? 0) + 1);
      let row = this.pairs.get(d);
      if (!row) this.pairs.set(d, (row = new Map()));
      for (const n of nameTerms) row.set(n, (row.get(n) ?? 0) + 1);
    }
  }

  /** Name terms associated with a doc term, with P(name term | doc term), best first; the symbols of `except` left out of every count. */
  expand(docTerm: string, except: readonly ThesaurusExclusion[] = []): Array<[term: string, weight: number]> {
    const row = this.pairs.get(docTerm);
    if (!row) return [];
    const counted = except.filter((x) => x.doc.size > 0 && x.name.size > 0);
    const inDoc = counted.filter((x) => x.doc.has(docTerm));
    const df = (this.docCount.get(docTerm) ?? 0) - inDoc.length;
    const total = this.documented - counted.length;
    if (df <= 0 || total <= 0) return [];
    const out: Array<[string, number]> = [];
    for (const [n, count] of row) {
      if (n === docTerm) continue;
      const c = count - inDoc.filter((x) => x.name.has(n)).length;
      if (c < thesaurusLimits.minPairs) continue;
      const nc = (this.nameCount.get(n) ?? 0) - counted.filter((x) => x.name.has(n)).length;
      const p = c / df;
      if (p / (nc / total) < thesaurusLimits.minLift) continue;
      out.push([n, p]);
    }
    out.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return out.slice(0, thesaurusLimits.perTerm);
  }
}
