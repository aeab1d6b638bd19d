/**
 * `tokenwise eval completion --repo <dir>`: CodeFill's protocol (Izadi et al., ICSE 2022) on the
 * source files of a real repository, through the one completion pipeline:
 *   points     cardinal points (after `.`, `(`, `,`, `return`, an operator…) that an identifier
 *              follows, outside strings and comments, sampled deterministically (seeded shuffle);
 *   single     the next identifier → top-1 accuracy and MRR@10 of the ranked identifier list;
 *   statement  the rest of the statement after the point (to its end; a compound statement's
 *              header) → exact match, edit similarity, ROUGE-L of the inline completion;
 * each with and without the structure features (same model, same points, same beams), and the
 * latency of the structured completions. The prompt holds the file before the point and the
 * file after the statement's line (the rest of the line is what is predicted).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { throwIfAborted } from '../../core/base/errors';
import { mulberry32, percentile } from '../../core/base/numbers';
import { complete, type CompletionSession } from '../../core/completion/pipeline';
import { cardinalPoint, completeIdentifiers } from '../../core/completion/identifiers';
import type { SyntaxService, SyntaxToken } from '../../core/syntax';
import { editSimilarity, exactMatch } from './humanEvalInfilling';
import { assertOutsideCorpus } from '../bench/syntax';

export type EvalLanguage = 'python' | 'typescript' | 'javascript';

const extensions: Record<EvalLanguage, RegExp> = { python: /\.py$/, typescript: /\.ts$/, javascript: /\.[cm]?js$/ };
const identifierTypes = new Set<SyntaxToken['type']>(['FUNCTION_CALL', 'METHOD_CALL', 'ATTRIBUTE', 'PARAMETER', 'LOCAL_VARIABLE', 'GLOBAL_VARIABLE', 'CLASS_NAME', 'MODULE', 'LIBRARY', 'ALIAS']);

export interface CompletionEvalOptions {
  repo: string;
  lang: EvalLanguage;
  /** Most points (default 100). */
  limit?: number;
  seed?: number;
  beamWidth?: number;
  maxNewTokens?: number;
  /** Budget of one identifier list (default 1000 ms: the list is measured, not cut). */
  identifierBudgetMs?: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

export interface CompletionEvalReport {
  repo: string;
  lang: EvalLanguage;
  /** The repository is not in models/corpus_manifest.json (checked per file). */
  heldOut: true;
  files: number;
  points: number;
  top1: number;
  mrr10: number;
  top1NoStructure: number;
  mrr10NoStructure: number;
  statementPoints: number;
  statementExactMatch: number;
  statementEditSimilarity: number;
  statementRougeL: number;
  statementExactMatchNoStructure: number;
  statementEditSimilarityNoStructure: number;
  statementRougeLNoStructure: number;
  /** Share of statement points where a completion is shown (structure may show nothing rather than broken code). */
  statementShown: number;
  statementShownNoStructure: number;
  /** Edit similarity over the points where something is shown. */
  statementEditSimilarityShown: number;
  statementEditSimilarityShownNoStructure: number;
  /** Statement completion with structure, per point. */
  latencyMsP50: number;
  latencyMsP95: number;
  identifierLatencyMsP50: number;
  identifierLatencyMsP95: number;
}

interface Point {
  file: string;
  text: string;
  /** Start and end of the next identifier. */
  start: number;
  end: number;
  /** End of the statement's rest (the statement task's reference ends here), or undefined (no statement task). */
  statementEnd: number | undefined;
}

function sourceFiles(dir: string, lang: EvalLanguage, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name === 'node_modules' || name.startsWith('.') || name === '__pycache__') continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) sourceFiles(path, lang, out);
    else if (extensions[lang].test(name) && !name.endsWith('.d.ts') && st.size < 400_000) out.push(path);
  }
  return out;
}

/** Tokens for ROUGE-L: identifiers, numbers, and single punctuation characters. */
export function codeTokens(text: string): string[] {
  return text.match(/[A-Za-z_$][\w$]*|\d+(?:\.\d+)?|\S/g) ?? [];
}

/** ROUGE-L F1 over code tokens (longest common subsequence). */
export function rougeL(candidate: string, reference: string): number {
  const a = codeTokens(candidate);
  const b = codeTokens(reference);
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  let prev = new Uint16Array(b.length + 1);
  let cur = new Uint16Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    [prev, cur] = [cur, prev];
  }
  const lcs = prev[b.length]!;
  if (lcs === 0) return 0;
  const p = lcs / a.length;
  const r = lcs / b.length;
  return (2 * p * r) / (p + r);
}

/** Cardinal points of a file, with the statement task's reference end. */
async function pointsOf(syntax: SyntaxService, file: string, text: string, lang: EvalLanguage): Promise<Point[]> {
  const doc = { uri: `file://${file}`, version: 1, text, languageId: lang };
  const tokens = await syntax.tokens(doc);
  const out: Point[] = [];
  for (const t of tokens) {
    if (!identifierTypes.has(t.type)) continue;
    const lineStart = text.lastIndexOf('\n', t.start - 1) + 1;
    if (!cardinalPoint(text.slice(lineStart, t.start))) continue;
    const s = await syntax.statementAt(doc, t.start);
    let statementEnd: number | undefined;
    if (s && s.start < t.start) {
      const end = s.kind === 'compound' && s.headerEnd !== undefined ? s.headerEnd : s.end;
      const rest = text.slice(t.start, end).trimEnd();
      if (rest.length > 0 && rest.length <= 160 && rest.split('\n').length <= 3) statementEnd = t.start + rest.length;
    }
    out.push({ file, text, start: t.start, end: t.end, statementEnd });
  }
  syntax.close(doc.uri);
  return out;
}

export async function evaluateCompletion(session: CompletionSession, syntax: SyntaxService, options: CompletionEvalOptions): Promise<CompletionEvalReport> {
  const limit = options.limit ?? 100;
  const files = sourceFiles(options.repo, options.lang);
  for (const f of files) assertOutsideCorpus(f);
  const all: Point[] = [];
  for (const f of files) {
    throwIfAborted(options.signal);
    all.push(...(await pointsOf(syntax, f, readFileSync(f, 'utf8'), options.lang)));
  }
  // Deterministic sample: a seeded shuffle.
  const rand = mulberry32(options.seed ?? 13);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  const points = all.slice(0, limit);
  const sums = { top1: 0, mrr: 0, top1N: 0, mrrN: 0, em: 0, es: 0, rl: 0, emN: 0, esN: 0, rlN: 0, statements: 0, shown: 0, shownN: 0 };
  const latency: number[] = [];
  const idLatency: number[] = [];
  const session2 = { ...session, syntax };
  for (const [i, p] of points.entries()) {
    throwIfAborted(options.signal);
    const target = p.text.slice(p.start, p.end);
    const prefix = p.text.slice(0, p.start);
    // The file after the line of the point (single task) / of the statement's end (statement task).
    const after = (at: number) => {
      const nl = p.text.indexOf('\n', at);
      return nl < 0 ? '' : p.text.slice(nl);
    };
    const uri = `eval:${relative(options.repo, p.file)}`;
    for (const structure of [true, false]) {
      const t0 = performance.now();
      const r = await completeIdentifiers(session2, syntax, { prefix, suffix: after(p.end), languageId: options.lang, uri, structure, anywhere: true, timeBudgetMs: options.identifierBudgetMs ?? 1000, ...(options.signal ? { signal: options.signal } : {}) });
      if (structure) idLatency.push(performance.now() - t0);
      const rank = r.items.slice(0, 10).findIndex((it) => it.name === target) + 1;
      if (structure) {
        sums.top1 += rank === 1 ? 1 : 0;
        sums.mrr += rank ? 1 / rank : 0;
      } else {
        sums.top1N += rank === 1 ? 1 : 0;
        sums.mrrN += rank ? 1 / rank : 0;
      }
    }
    if (p.statementEnd !== undefined) {
      sums.statements++;
      const reference = p.text.slice(p.start, p.statementEnd);
      for (const structure of [true, false]) {
        const t0 = performance.now();
        const r = await complete(session2, {
          prefix,
          suffix: after(p.statementEnd),
          mode: 'exact',
          order: 'psm',
          maxNewTokens: options.maxNewTokens ?? 48,
          statement: { unit: 'statement', beamWidth: options.beamWidth ?? 4, languageId: options.lang, uri, structure },
          ...(options.signal ? { signal: options.signal } : {}),
        });
        if (structure) latency.push(performance.now() - t0);
        const em = exactMatch(r.text, reference) ? 1 : 0;
        const es = editSimilarity(r.text.trim(), reference.trim());
        const rl = rougeL(r.text, reference);
        if (r.text.trim()) {
          if (structure) sums.shown++;
          else sums.shownN++;
        }
        if (structure) {
          sums.em += em;
          sums.es += es;
          sums.rl += rl;
        } else {
          sums.emN += em;
          sums.esN += es;
          sums.rlN += rl;
        }
      }
    }
    options.onProgress?.(i + 1, points.length);
  }
  const n = Math.max(1, points.length);
  const s = Math.max(1, sums.statements);
  return {
    repo: options.repo,
    lang: options.lang,
    heldOut: true,
    files: files.length,
    points: points.length,
    top1: sums.top1 / n,
    mrr10: sums.mrr / n,
    top1NoStructure: sums.top1N / n,
    mrr10NoStructure: sums.mrrN / n,
    statementPoints: sums.statements,
    statementExactMatch: sums.em / s,
    statementEditSimilarity: sums.es / s,
    statementRougeL: sums.rl / s,
    statementExactMatchNoStructure: sums.emN / s,
    statementEditSimilarityNoStructure: sums.esN / s,
    statementRougeLNoStructure: sums.rlN / s,
    statementShown: sums.shown / s,
    statementShownNoStructure: sums.shownN / s,
    statementEditSimilarityShown: sums.shown ? sums.es / sums.shown : 0,
    statementEditSimilarityShownNoStructure: sums.shownN ? sums.esN / sums.shownN : 0,
    latencyMsP50: percentile(latency, 50),
    latencyMsP95: percentile(latency, 95),
    identifierLatencyMsP50: percentile(idLatency, 50),
    identifierLatencyMsP95: percentile(idLatency, 95),
  };
}
