/**
 * Gate stage: show a suggestion only when it is plausible. Two checks, after post-processing:
 *   - confidence: the model's own log-probabilities of the tokens that are shown (geometric-mean
 *     token probability against `minConfidence`; the default is measured on held-out code with
 *     `tokenwise eval confidence`);
 *   - syntax: where a tree-sitter grammar exists for the language, the document with the
 *     suggestion inserted must have no parse error that it did not have before, around the insertion.
 */
import { SyntaxService, resolveLanguage } from '../../syntax';
import { placeInLine } from '../postprocess/postprocess';

export interface Confidence {
  /** Mean natural-log probability of the shown tokens. */
  meanLogprob: number;
  /** Lowest natural-log probability of a shown token. */
  minLogprob: number;
  /** exp(meanLogprob): the geometric-mean token probability (what `minConfidence` is compared with). */
  probability: number;
  /** Tokens it was computed over. */
  tokens: number;
}

/**
 * Confidence of the part of the middle that is shown: the tokens that start before `shownEnd`
 * (characters of the raw middle). Undefined without logprobs or tokens.
 */
export function confidenceOf(logprobs: readonly number[] | undefined, tokenEnds: readonly number[] | undefined, shownEnd: number): Confidence | undefined {
  if (!logprobs || logprobs.length === 0 || !tokenEnds) return undefined;
  let n = 0;
  let sum = 0;
  let min = 0;
  for (let i = 0; i < logprobs.length; i++) {
    const start = i === 0 ? 0 : tokenEnds[i - 1]!;
    if (i > 0 && start >= shownEnd) break;
    const lp = logprobs[i]!;
    sum += lp;
    min = n === 0 ? lp : Math.min(min, lp);
    n++;
  }
  const meanLogprob = sum / n;
  return { meanLogprob, minLogprob: min, probability: Math.exp(meanLogprob), tokens: n };
}

/** Where the shown text ends in the raw middle: after as many lines as it has (single line: the first). */
export function shownEndInRaw(raw: string, shown: string): number {
  const lines = shown.split('\n').length;
  let at = -1;
  for (let i = 0; i < lines; i++) {
    at = raw.indexOf('\n', at + 1);
    if (at < 0) return raw.length;
  }
  return at;
}

let shared: SyntaxService | undefined;

/** One syntax service for completion checks (one tree per language, updated incrementally). */
function syntaxService(): SyntaxService {
  shared ??= new SyntaxService({ maxTrees: 8, maxDocumentChars: 200_000, parseBudgetMs: 150 });
  return shared;
}

/**
 * Whether inserting `text` at the cursor (replacing `replace` characters right of it) keeps the
 * parse: no new ERROR/MISSING node around the insertion. True when the language has no grammar
 * or the check cannot run (too large, too slow): the gate only rejects what it can prove broken.
 */
export async function keepsParse(languageId: string | undefined, prefix: string, suffix: string, text: string, replace: number): Promise<boolean> {
  const language = languageId ? resolveLanguage(languageId) : undefined;
  if (!language) return true;
  const after = suffix.slice(replace);
  try {
    const check = await syntaxService().checkInsertion({ uri: `tokenwise-completion:${language}`, version: 0, text: prefix + after, languageId: language }, prefix.length, text);
    return check.clean;
  } catch {
    return true;
  }
}

/** Where a suggestion may be cut to a shorter one: before spaces and opening brackets, longest first (at most 8). */
function parseCuts(text: string): number[] {
  if (text.includes('\n')) return [];
  const cuts: number[] = [];
  for (let i = text.length - 1; i > 0 && cuts.length < 8; i--) if (/[\s([{,]/.test(text[i]!) && !/[\s([{,]/.test(text[i - 1]!)) cuts.push(i);
  return cuts;
}

export interface GateContext {
  linePrefix: string;
  lineSuffix: string;
  /** The whole prefix and suffix of the request (the document around the cursor). */
  prefix: string;
  suffix: string;
  /** 0 = no confidence gate. */
  minConfidence: number;
  languageId: string | undefined;
}

export interface GatedSuggestion {
  text: string;
  replace: number;
  confidence?: Confidence;
  suppressed?: 'confidence' | 'brackets' | 'syntax';
}

/**
 * Fits the post-processed `candidate` to the text right of the cursor (`placeInLine`), then
 * withholds it ('' ) when the model's confidence in it is below `minConfidence` or it breaks the parse.
 */
export async function gateSuggestion(
  candidate: string,
  decoded: { text: string; logprobs?: number[]; tokenEnds?: number[] },
  ctx: GateContext,
): Promise<GatedSuggestion> {
  if (!candidate) return { text: '', replace: 0 };
  const confidence = confidenceOf(decoded.logprobs, decoded.tokenEnds, shownEndInRaw(decoded.text, candidate));
  const withheld = (suppressed: GatedSuggestion['suppressed']): GatedSuggestion => ({ text: '', replace: 0, ...(confidence ? { confidence } : {}), suppressed });
  const placed = placeInLine(candidate, ctx);
  if (!placed) return withheld('brackets');
  if (confidence && confidence.probability < ctx.minConfidence) return withheld('confidence');
  if (!(await keepsParse(ctx.languageId, ctx.prefix, ctx.suffix, placed.text, placed.replace))) {
    // The longest shorter suggestion that keeps the parse, cut before a space or bracket (a small
    // model's `urn (x, 0` after `ret` still gives `urn`).
    for (const cut of parseCuts(placed.text)) {
      const shorter = placed.text.slice(0, cut).trimEnd();
      if (shorter.trim() && placeInLine(shorter, ctx)?.replace === placed.replace && (await keepsParse(ctx.languageId, ctx.prefix, ctx.suffix, shorter, placed.replace)))
        return { text: shorter, replace: placed.replace, ...(confidence ? { confidence } : {}) };
    }
    return withheld('syntax');
  }
  return { ...placed, ...(confidence ? { confidence } : {}) };
}

/**
 * The editor's default `tokenwise.completion.minConfidence`, measured with `tokenwise eval
 * confidence` on HumanEval single-line infilling (held out from the shipped model's corpus; the
 * curve is in the README, "Inline completion").
 */
export const defaultMinConfidence = 0.3;
