/** Scores a text under any backend: every token's statistics with its span, and bits per byte. */
import type { InferenceBackend, ScoreOptions, TextScoreResult, TextScoreToken } from '../inference/types';

const encoder = new TextEncoder();

export async function scoreText(backend: InferenceBackend, text: string, options: ScoreOptions = {}): Promise<TextScoreResult> {
  const info = await backend.info();
  const spans = await backend.tokenize(text);
  const scored = await backend.score(
    spans.map((s) => s.id),
    options,
  );
  const offset = spans.length - scored.tokens.length; // 1 when no BOS could be prepended
  let nats = 0;
  const tokens = spans.map((span, i) => {
    const st = i >= offset ? scored.tokens[i - offset] : undefined;
    if (st) nats -= st.logprob;
    return { id: span.id, start: span.start, end: span.end, logprob: st?.logprob ?? 0, entropy: st?.entropy ?? 0, rank: st?.rank ?? 1, top: st?.top ?? [] };
  });
  const bytes = encoder.encode(text).length;
  return { model: info.location, provider: info.provider, bitsPerByte: bytes ? nats / Math.LN2 / bytes : 0, tokens };
}

export interface ScoreStreamOptions extends ScoreOptions {
  /** Context windows per backend call (default 32: ~8k tokens with a 512-token context); bounds memory. */
  windowsPerCall?: number;
  /** After each call: tokens scored so far and in all. */
  onProgress?(done: number, total: number): void;
}

/**
 * `scoreText` in bounded memory: the text's tokens are scored a group of context windows at a
 * time and handed to `onTokens` in order (nothing of the result is kept here). The groups follow
 * the engine's own windows (stride ⌈W/2⌉, each row scored with at least ⌊W/2⌋ tokens of context),
 * so the scores are those of one `score` call over the whole text.
 */
export async function scoreTextStream(
  backend: InferenceBackend,
  text: string,
  options: ScoreStreamOptions,
  onTokens: (tokens: TextScoreToken[]) => void | Promise<void>,
): Promise<Omit<TextScoreResult, 'tokens'> & { tokenCount: number }> {
  const info = await backend.info();
  const spans = await backend.tokenize(text);
  const bos = options.prependBos === false ? null : info.bosTokenId;
  const seq = bos !== null ? [bos, ...spans.map((s) => s.id)] : spans.map((s) => s.id);
  const shift = bos !== null ? 1 : 0; // seq index of spans[0]
  const W = Math.max(2, info.maxContext);
  const stride = W - Math.floor(W / 2);
  const group = Math.max(1, Math.floor(options.windowsPerCall ?? 32));
  const { windowsPerCall: _w, onProgress, ...scoreOptions } = options;
  let nats = 0;
  const unscored = (i: number): TextScoreToken => ({ id: spans[i]!.id, start: spans[i]!.start, end: spans[i]!.end, logprob: 0, entropy: 0, rank: 1, top: [] });
  // Without a BOS token the first token has no prediction.
  if (shift === 0 && spans.length) await onTokens([unscored(0)]);
  for (let first = 0; first < seq.length - 1; first += group * stride) {
    const start = first; // the call's first window = window number first / stride of one call
    const end = Math.min(seq.length, start + (group - 1) * stride + W);
    const scored = await backend.score(seq.slice(start, end), { ...scoreOptions, prependBos: false });
    // Rows before `from` belong to the previous call's windows (more context there).
    const from = start === 0 ? 0 : start + Math.floor(W / 2) - 1;
    const to = end >= seq.length ? seq.length - 1 : end - 1; // rows [from, to) predict seq[row + 1]
    const out: TextScoreToken[] = [];
    for (let row = from; row < to; row++) {
      const st = scored.tokens[row - start]!;
      const span = spans[row + 1 - shift]!;
      nats -= st.logprob;
      out.push({ id: span.id, start: span.start, end: span.end, logprob: st.logprob, entropy: st.entropy, rank: st.rank, top: st.top });
    }
    await onTokens(out);
    onProgress?.(to + 1 - shift, spans.length);
    if (end >= seq.length) break;
  }
  const bytes = encoder.encode(text).length;
  return { model: info.location, provider: info.provider, bitsPerByte: bytes ? nats / Math.LN2 / bytes : 0, tokenCount: spans.length };
}
