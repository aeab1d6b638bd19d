/** Scores a text under any backend: every token's statistics with its span, and bits per byte. */
import type { InferenceBackend, ScoreOptions, TextScoreResult } from '../inference/types';

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
