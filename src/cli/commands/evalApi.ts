/**
 * `tokenwise eval api --repo <dir> [--limit N] [--conv-limit N] [--model-ranking] [--rerank] [--bm25-only] [--checker] [--cases <file.jsonl>] [--json]`:
 * the APIEval-style evaluation of repository API completion (src/tools/eval/apiEval.ts).
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliContext, OptionSpec } from '../dispatcher';
import { printJson } from '../io';
import { TokenwiseError } from '../../core/base/errors';
import { SyntaxService } from '../../core/syntax';
import { evaluateApi, type ApiEvalOptions } from '../../tools/eval/apiEval';
import { corpusStatus } from '../../tools/corpus';
import { loadTypeScript } from '../../tools/eval/tsOracle';
import { nodeWorkspaceFs } from '../workspaceFs';
import { loadModel } from '../backend';
import type { QueryScorer } from '../../core/search/rerank';
import type { NameScorer } from '../../core/index';

export const apiEvalOptions: Record<'conv-limit' | 'model-ranking' | 'rerank' | 'bm25-only' | 'cases' | 'case-candidates' | 'typed' | 'checker', OptionSpec> = {
  'conv-limit': { type: 'number', valueName: 'n', integer: true, min: 1, description: 'api: most conversational cases (default 500).' },
  'model-ranking': { type: 'boolean', description: "api: add the model's likelihood of each member name to the ranking (loads the model)." },
  rerank: { type: 'boolean', description: 'api: re-rank the conversational search hits by the model (loads the model).' },
  'bm25-only': { type: 'boolean', description: "api: conversational search in BM25's order, without the learned re-ranker (to measure what it adds)." },
  cases: { type: 'string', valueName: 'file', description: 'api: write each token-completion case as a JSON line (file, line, receiver, resolvedBy, target, member, rank, top 5).' },
  typed: { type: 'number', valueName: 'k', integer: true, min: 0, max: 8, description: "api: type the member name's first k characters before asking (default 0: hidden completely)." },
  checker: { type: 'boolean', description: "api: keep only the TypeScript/JavaScript calls the TypeScript checker resolves to a declaration in the repository (true local API calls; needs the typescript package); reports the verdicts and the receiver resolver's agreement with the checker; --cases lines gain trueTarget and agrees." },
  'case-candidates': { type: 'number', valueName: 'n', integer: true, min: 1, max: 1000, description: 'api: with --cases, also each case\'s first n candidates and the hidden member with their ranking features (weight tuning).' },
};

export const apiEvalDetails = [
  '',
  'eval api --repo <dir> [--limit N] [--conv-limit N] [--model-ranking] [--rerank] [--bm25-only] [--cases <file.jsonl>] [--typed k] [--checker]: APIEval-style, on a real repository.',
  'Token completion: call sites `x.member(` / `module.fn(` whose member is defined in the repository in another file',
  '(not in the call-site file; not a built-in method name; the receiver not imported from outside the repository); the',
  'file is cut right after the dot (member and everything after hidden, its own usages left out); the member completion',
  'ranks the candidates. Conversational: query = first sentence of a documented function / method / class, its own doc',
  'left out of its score. Cases are spread evenly over the repository (default N = 500 each).',
  'JSON: {"repo", "heldOut", "files", "symbols", "indexMs", "indexBytes", "cases", "accuracyAt1", "accuracyAt5", "mrr",',
  '"byResolution", "convCases", "convAccuracyAt1", "convAccuracyAt5", "convAll", "convDropped", "convSharedQueries", "convNameAt5", "model", "caseMs"} (convNameAt5: the share of conversational cases whose top 5 holds the target or another API of its name — an override, an implementation, a twin module — reported only).',
  'Conversational cases are one per API (copies of a module in src/, dist/, .d.ts… are one); a first sentence that points',
  'elsewhere ("Alias of …", "See …", "Use … instead") or is not prose is dropped from convCases (convAll keeps it).',
  '--checker: TypeScript/JavaScript token cases only where the TypeScript checker finds the member declared in the',
  'repository; JSON adds "checker": {"verified", "rejected", "unresolved", "sameFile", "unchecked" (Python), "missedByName"',
  '(true local calls the name filters leave out, by reason), "scoredVerified", "buildMs", "programFiles"} and',
  '"resolverAgreement" (scored verified cases whose resolved receiver leads to that declaration).',
];

const encoder = new TextEncoder();

export async function runApiEval(ctx: CliContext): Promise<void> {
  const repo = ctx.args.options.repo as string | undefined;
  if (!repo) throw new TokenwiseError('usage', "'eval api' needs --repo <dir>.");
  const root = resolve(repo);
  const casesFile = ctx.args.options.cases as string | undefined;
  let casesFd: number | undefined;
  try {
    if (casesFile) casesFd = openSync(resolve(casesFile), 'w');
  } catch (e) {
    throw new TokenwiseError('usage', `Cannot write --cases ${casesFile}: ${(e as Error).message}`);
  }
  const syntax = new SyntaxService();
  const o = ctx.args.options;
  const model = o['model-ranking'] || o.rerank ? await loadModel(ctx) : undefined;
  try {
    const options: ApiEvalOptions = { limit: (o.limit as number | undefined) ?? 500, convLimit: (o['conv-limit'] as number | undefined) ?? 500, signal: ctx.signal };
    if (model?.tokenizer && model.backend.scoreCandidates) {
      const tokenizer = model.tokenizer;
      const backend = model.backend;
      const score = async (context: string, names: readonly string[], signal?: AbortSignal) =>
        (await backend.scoreCandidates!(tokenizer.encode(encoder.encode(context)).slice(-256), names.map((n) => tokenizer.encode(encoder.encode(n))), signal ? { signal } : {})).map((s) => s.logprob);
      if (o['model-ranking']) options.nameScorer = score satisfies NameScorer;
      if (o.rerank) options.queryScorer = ((query, names, signal) => score(`# ${query}\n`, names, signal)) satisfies QueryScorer;
    }
    if (o['bm25-only']) options.searchRerank = false;
    if (o['case-candidates'] !== undefined) options.caseCandidates = o['case-candidates'] as number;
    if (o.typed !== undefined) options.typed = o.typed as number;
    if (o.checker) {
      // Before indexing: without the typescript package, say so at once.
      loadTypeScript();
      options.checker = true;
    }
    // The fields --cases documents, in that order.
    if (casesFd !== undefined)
      options.onCase = (c) =>
        writeSync(casesFd, JSON.stringify({ file: c.uri.startsWith(root) ? c.uri.slice(root.length + 1) : c.uri, line: c.line, receiver: c.receiver, resolvedBy: c.by, target: c.target, member: c.member, rank: c.rank, top: c.top, ...(c.trueTarget ? { trueTarget: c.trueTarget, agrees: c.agrees } : {}), ...(c.candidates ? { candidates: c.candidates } : {}) }) + '\n');
    options.onProgress = (phase, done, total) => {
      if (!ctx.json && (done === total || done % 25 === 0)) ctx.io.stderr(`\r${phase} ${done}/${total}   `);
    };
    const report = await evaluateApi(nodeWorkspaceFs, root, syntax, options);
    const training = corpusStatus(`${root}/x.py`).state === 'training' || corpusStatus(`${root}/x.ts`).state === 'training';
    const heldOut = !training;
    if (ctx.json) {
      printJson(ctx.io, { repo: root, heldOut, typed: options.typed ?? 0, ...report });
      return;
    }
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    ctx.io.stderr('\n');
    ctx.io.stdout(
      [
        `eval api: ${root} — ${heldOut ? "held out (no source of the shipped model's training corpus, models/corpus_manifest.json)" : 'IN the training corpus of the shipped model'}`,
        `index: ${report.files} files, ${report.symbols} symbols, built in ${(report.indexMs / 1000).toFixed(2)} s, ${(report.indexBytes / 1024).toFixed(0)} KiB serialized`,
        `token completion${options.typed ? ` (first ${options.typed} character${options.typed > 1 ? 's' : ''} of the member typed)` : ''}: ${report.cases} cases, accuracy@1 ${pct(report.accuracyAt1)}, accuracy@5 ${pct(report.accuracyAt5)}, MRR ${report.mrr.toFixed(3)}${report.model.members ? ' (with model ranking)' : ''}, ${report.caseMs.toFixed(1)} ms/case`,
        `  by receiver resolution: ${Object.entries(report.byResolution).map(([k, v]) => `${k} ${v.cases} (@1 ${pct(v.accuracyAt1)})`).join(', ')}`,
        ...(report.checker
          ? [
              `  checker (TypeScript, program of ${report.checker.programFiles} files built in ${(report.checker.buildMs / 1000).toFixed(2)} s): ${report.checker.verified} verified local calls kept, ${report.checker.rejected} declared outside the repository and ${report.checker.unresolved} unresolved and ${report.checker.sameFile} declared in the call-site file dropped, ${report.checker.unchecked} Python cases unchecked; true local calls the name filters leave out: ${Object.entries(report.checker.missedByName).map(([k, v]) => `${k} ${v}`).join(', ')}; resolver agrees with the checker on ${pct(report.resolverAgreement ?? 0)} of ${report.checker.scoredVerified} scored verified cases`,
            ]
          : []),
        `conversational: ${report.convCases} cases, accuracy@1 ${pct(report.convAccuracyAt1)}, accuracy@5 ${pct(report.convAccuracyAt5)}${report.model.conversational ? ' (re-ranked by the model)' : ''}; all ${report.convAll.cases} cases (${report.convDropped.reference} references, ${report.convDropped.nonProse} not prose): accuracy@5 ${pct(report.convAll.accuracyAt5)}; ${report.convSharedQueries} queries also another API's first sentence; the target's name in the top 5 (the target or another API of that name) ${pct(report.convNameAt5)}`,
      ].join('\n') + '\n',
    );
  } finally {
    if (casesFd !== undefined) closeSync(casesFd);
    syntax.dispose();
    await model?.backend.dispose();
  }
}
