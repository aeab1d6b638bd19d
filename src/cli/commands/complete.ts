/**
 * `tokenwise complete <file> --offset N`: fill in the middle at a UTF-16 offset of a file, with the
 * chosen boundary mode (exact / heal / naive) and FIM order.
 */
import type { CliCommand } from '../dispatcher';
import { printJson, readTextFile } from '../io';
import { TokenwiseError } from '../../core/base/errors';

const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;
import { loadCompletionSession, modelOptions } from '../backend';
import { boundaryModes, type BoundaryMode } from '../../core/completion/boundary';
import { complete } from '../../core/completion/pipeline';
import { completionUnits, type CompletionUnitSetting } from '../../core/completion/unit';
import { SyntaxService } from '../../core/syntax';
import type { FimOrder } from '../../core/completion/prompt/templates';

export const completionOptions = {
  mode: { type: 'string', choices: boundaryModes, description: 'How a prompt that ends mid-token is handled (default exact).' },
  order: { type: 'string', choices: ['psm', 'spm'], description: 'FIM order: prefix-suffix-middle or suffix-prefix-middle (default psm).' },
  'min-confidence': { type: 'number', valueName: 'p', description: 'Show nothing when the geometric-mean token probability of the completion is below p (0–1; default 0; the editor uses tokenwise.completion.minConfidence).' },
  'max-tokens': { type: 'number', valueName: 'n', integer: true, min: 1, max: 1_000_000, description: 'Most tokens to generate (default 64; a single-line completion takes at most 48).' },
} as const;

export const completeCommand: CliCommand = {
  name: 'complete',
  summary: 'Complete code at an offset of a file (fill in the middle) with the model.',
  positionals: [{ name: 'file', description: 'Text file; prefix = text before the offset, suffix = text after.', required: true }],
  options: {
    offset: { type: 'number', valueName: 'utf16', integer: true, min: 0, description: 'Cursor offset in UTF-16 code units (default: end of file).' },
    ...completionOptions,
    unit: { type: 'string', choices: completionUnits, description: 'Statement completion (the editor\'s default): the unit from the syntax tree, beams, syntax stop, ranking; line: the line policy. Default: neither (one greedy line / block).' },
    'beam-width': { type: 'number', valueName: 'n', description: 'Beams of statement completion (default 4; 1 = greedy).' },
    ...modelOptions,
  },
  details: [
    'Runs the same completion pipeline as the editor: context → prompt → boundary → decode → post-process;',
    'one line when text sits right of the offset, a block on an empty line or after a block opener.',
    'JSON (--json): {"mode", "order", "completion", "replace", "raw", "multiline", "degraded"?, "confidence"?, "suppressed"?, "candidate"?, "latencyMs", "tokens", "unit"?, "alternatives"?};',
    'with --unit / --beam-width: statement completion as in the editor (unit = rest | statement | block | line, alternatives = the next-ranked candidates);',
    'completion = what the editor would insert (replacing `replace` characters right of the offset: auto-closed brackets it contains),',
    'raw = the model\'s middle before post-processing, confidence = geometric-mean token probability of what is shown,',
    'suppressed = why nothing is shown (confidence below --min-confidence, brackets, or a parse error where a grammar exists).',
  ].join('\n'),
  async run(ctx) {
    const text = readTextFile(ctx.args.positionals[0]!);
    const offset = (ctx.args.options.offset as number | undefined) ?? text.length;
    if (!Number.isInteger(offset) || offset < 0 || offset > text.length)
      throw new TokenwiseError('usage', `--offset must be an integer between 0 and ${text.length} (the file's length in UTF-16 code units).`);
    if (offset > 0 && offset < text.length && isHighSurrogate(text.charCodeAt(offset - 1)) && isLowSurrogate(text.charCodeAt(offset)))
      throw new TokenwiseError('usage', `--offset ${offset} falls between the two halves of a surrogate pair (a character outside the BMP); use ${offset - 1} or ${offset + 1}.`);
    const session = await loadCompletionSession(ctx);
    try {
      const t0 = performance.now();
      const statement = ctx.args.options.unit !== undefined || ctx.args.options['beam-width'] !== undefined;
      const syntax = statement ? new SyntaxService() : undefined;
      const result = await complete(syntax ? { ...session, syntax } : session, {
        prefix: text.slice(0, offset),
        suffix: text.slice(offset),
        mode: (ctx.args.options.mode as BoundaryMode | undefined) ?? 'exact',
        order: (ctx.args.options.order as FimOrder | undefined) ?? 'psm',
        maxNewTokens: (ctx.args.options['max-tokens'] as number | undefined) ?? 64,
        minConfidence: (ctx.args.options['min-confidence'] as number | undefined) ?? 0,
        languageId: ctx.args.positionals[0]!,
        ...(statement
          ? { statement: { unit: (ctx.args.options.unit as CompletionUnitSetting | undefined) ?? 'statement', beamWidth: (ctx.args.options['beam-width'] as number | undefined) ?? 4, languageId: ctx.args.positionals[0]! } }
          : {}),
        signal: ctx.signal,
      });
      const latencyMs = performance.now() - t0;
      if (ctx.json) {
        printJson(ctx.io, {
          mode: result.mode,
          order: result.order,
          completion: result.text,
          replace: result.replace ?? 0,
          raw: result.raw,
          multiline: result.multiline,
          ...(result.degraded ? { degraded: result.degraded } : {}),
          ...(result.confidence ? { confidence: result.confidence.probability } : {}),
          ...(result.suppressed ? { suppressed: result.suppressed, candidate: result.candidate } : {}),
          latencyMs,
          tokens: result.tokens.length,
          ...(result.alternatives ? { unit: result.unit, alternatives: result.alternatives } : {}),
        });
        return;
      }
      ctx.io.stdout(`${result.text}\n`);
      if (result.degraded) ctx.io.stderr(`[${result.degraded}]\n`);
      ctx.io.stderr(`[${result.mode}/${result.order}, ${session.info.name} on ${session.info.provider}: ${result.tokens.length} tokens in ${latencyMs.toFixed(0)} ms (boundary ${result.promptMs.toFixed(0)} ms)]\n`);
    } finally {
      await session.backend.dispose();
    }
  },
};
