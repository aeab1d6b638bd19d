/**
 * `tokenwise eval completion --repo <dir> [--lang python|typescript|javascript] [--limit N] [--json]`:
 * CodeFill's protocol on a real repository (src/tools/eval/completionEval.ts).
 */
import { resolve } from 'node:path';
import type { CliContext, OptionSpec } from '../dispatcher';
import { printJson } from '../io';
import { TokenwiseError } from '../../core/base/errors';
import { SyntaxService } from '../../core/syntax';
import { evaluateCompletion, type EvalLanguage } from '../../tools/eval/completionEval';
import { loadCompletionSession } from '../backend';

export const completionEvalOptions: Record<'repo' | 'lang' | 'beam-width' | 'seed', OptionSpec> = {
  repo: { type: 'string', valueName: 'dir', description: 'completion: the repository whose source files are evaluated (must not be in models/corpus_manifest.json).' },
  lang: { type: 'string', choices: ['python', 'typescript', 'javascript'], description: 'completion: language of the files evaluated (default python).' },
  'beam-width': { type: 'number', valueName: 'n', description: 'completion: beams of the statement task (default 4).' },
  seed: { type: 'number', valueName: 'n', description: 'completion: seed of the deterministic sample of points (default 13).' },
};

export const completionEvalDetails = [
  '',
  'eval completion --repo <dir> [--lang python|typescript|javascript] [--limit N]: CodeFill\'s protocol at cardinal points',
  '(after `.`, `(`, `,`, `return`, operators, …), sampled deterministically up to N (default 100): the next identifier',
  '(ranked identifier list → top1, mrr10) and the rest of the statement (inline completion → exact match, edit',
  'similarity, ROUGE-L), each with and without structure (syntax stop, parse check, scope weights), same model and points.',
  'Every file is checked against models/corpus_manifest.json (the shipped model\'s training corpus); training code is refused.',
  'JSON: {"repo", "lang", "heldOut", "files", "points", "top1", "mrr10", "top1NoStructure", "mrr10NoStructure", "statementPoints",',
  '"statementExactMatch", "statementEditSimilarity", "statementRougeL", "statementExactMatchNoStructure",',
  '"statementEditSimilarityNoStructure", "statementRougeLNoStructure", "statementShown", "statementShownNoStructure",',
  '"statementEditSimilarityShown", "statementEditSimilarityShownNoStructure", "latencyMsP50", "latencyMsP95", "identifierLatencyMsP50", "identifierLatencyMsP95"}.',
];

export async function runCompletionEval(ctx: CliContext): Promise<void> {
  const repo = ctx.args.options.repo as string | undefined;
  if (!repo) throw new TokenwiseError('usage', "'eval completion' needs --repo <dir>.");
  const lang = ((ctx.args.options.lang as string | undefined) ?? 'python') as EvalLanguage;
  const limit = (ctx.args.options.limit as number | undefined) ?? 100;
  const session = await loadCompletionSession(ctx);
  const syntax = new SyntaxService();
  try {
    if (!ctx.json) ctx.io.stderr(`repo ${resolve(repo)} (${lang}): held out — no file is in models/corpus_manifest.json\n`);
    const report = await evaluateCompletion(session, syntax, {
      repo: resolve(repo),
      lang,
      limit,
      ...(ctx.args.options['beam-width'] !== undefined ? { beamWidth: ctx.args.options['beam-width'] as number } : {}),
      ...(ctx.args.options['max-tokens'] !== undefined ? { maxNewTokens: ctx.args.options['max-tokens'] as number } : {}),
      ...(ctx.args.options.seed !== undefined ? { seed: ctx.args.options.seed as number } : {}),
      signal: ctx.signal,
      onProgress: (done, total) => !ctx.json && ctx.io.stderr(`\r${done}/${total}`),
    });
    if (ctx.json) {
      printJson(ctx.io, report);
      return;
    }
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    ctx.io.stderr('\n');
    ctx.io.stdout(
      [
        `eval completion: ${report.repo} (${lang}, ${report.files} files, held out: not in models/corpus_manifest.json), model ${session.info.name} on ${session.info.provider}`,
        `${report.points} cardinal points (${report.statementPoints} with a statement task)`,
        `next identifier:  top-1 ${pct(report.top1)} (no structure ${pct(report.top1NoStructure)}), MRR@10 ${pct(report.mrr10)} (no structure ${pct(report.mrr10NoStructure)})`,
        `statement:        exact ${pct(report.statementExactMatch)} (${pct(report.statementExactMatchNoStructure)}), edit similarity ${report.statementEditSimilarity.toFixed(3)} (${report.statementEditSimilarityNoStructure.toFixed(3)}), ROUGE-L ${report.statementRougeL.toFixed(3)} (${report.statementRougeLNoStructure.toFixed(3)})`,
        `                  shown ${pct(report.statementShown)} (${pct(report.statementShownNoStructure)}), edit similarity of what is shown ${report.statementEditSimilarityShown.toFixed(3)} (${report.statementEditSimilarityShownNoStructure.toFixed(3)})`,
        `latency p50/p95:  statement ${report.latencyMsP50.toFixed(0)}/${report.latencyMsP95.toFixed(0)} ms, identifier list ${report.identifierLatencyMsP50.toFixed(0)}/${report.identifierLatencyMsP95.toFixed(0)} ms`,
      ].join('\n') + '\n',
    );
  } finally {
    syntax.dispose();
    await session.backend.dispose();
  }
}
