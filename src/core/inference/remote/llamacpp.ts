/**
 * llama.cpp's `llama-server` (docs: tools/server/README.md):
 * - `POST /completion`: `prompt` as text, token ids, or a list of prompts (then the answer is a
 *   list, one result per prompt, with `index`); `n_predict`, `n_probs` (top N per generated token,
 *   clamped to the vocabulary: `n_probs = n_vocab` gives the full next-token distribution),
 *   `return_tokens`, `cache_prompt`, `stream` (SSE `data:` lines; the last has `stop: true` and
 *   `stop_type`). Probabilities: `completion_probabilities[].top_logprobs[] = {id, token, bytes, logprob}`.
 * - `POST /tokenize` `{content, add_special, with_pieces}` → `{tokens: [{id, piece}]}` (a piece that is
 *   not valid UTF-8 comes as a byte list); `POST /detokenize` `{tokens}` → `{content}`.
 * - `GET /props` → `default_generation_settings.n_ctx`; `GET /v1/models` → `data[].meta.n_vocab`.
 * - `POST /infill` `{input_prefix, input_suffix, input_extra: [{filename, text}], prompt}` plus every
 *   `/completion` option: the server renders the FIM prompt with the model's own FIM tokens (the
 *   repo-level pattern when the model has FIM_REP / FIM_SEP). Used for completion when there is no
 *   local tokenizer (token-id prompts need one); `cache_prompt` and a fixed `id_slot` keep the
 *   slot's KV cache across keystrokes. A model without FIM tokens answers an error (probed).
 */
import { TokenwiseError } from '../../base/errors';
import { HttpError, type HttpClient } from './http';
import { malformed } from './openai';
import { isRecord, type LogprobQuery, type RemoteGenerateOptions, type RemoteGeneration, type RemoteInfill, type RemotePrompt, type RemoteServer, type ServerProbe } from './types';

const encoder = new TextEncoder();
const completion = 'POST /completion';
/** The slot infill requests pin (llama.vscode does the same): its KV cache is reused across keystrokes. */
const infillSlot = 0;

/** Prompts per `/completion` request when asking for whole distributions (each answer is n_vocab entries). */
const distributionBatch = 8;

export class LlamaCppServer implements RemoteServer {
  readonly kind = 'llamacpp' as const;
  private model = '';
  private nVocab = 0;

  constructor(
    private readonly http: HttpClient,
    private readonly modelSetting: string,
  ) {}

  async probe(signal?: AbortSignal): Promise<ServerProbe> {
    const notes: string[] = [];
    const opts = { signal, idempotent: true, timeoutMs: 15_000 };
    const props = await this.http.json<unknown>('GET', '/props', undefined, opts);
    if (!isRecord(props)) return malformed('GET /props', 'not an object');
    const settings = isRecord(props.default_generation_settings) ? props.default_generation_settings : {};
    const nCtx = typeof settings.n_ctx === 'number' ? settings.n_ctx : typeof props.n_ctx === 'number' ? props.n_ctx : null;
    let model = this.modelSetting || (typeof props.model_path === 'string' ? props.model_path.split(/[\\/]/).pop()! : '');
    try {
      const list = await this.http.json<unknown>('GET', '/v1/models', undefined, opts);
      const first = isRecord(list) && Array.isArray(list.data) ? list.data.find(isRecord) : undefined;
      if (first) {
        if (!this.modelSetting && typeof first.id === 'string') model = first.id;
        const meta = isRecord(first.meta) ? first.meta : {};
        if (typeof meta.n_vocab === 'number') this.nVocab = meta.n_vocab;
      }
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      notes.push(`GET /v1/models answered HTTP ${error.status} (vocabulary size unknown)`);
    }
    this.model = model || 'llama.cpp';
    const probeIds = (await this.tokenize('def probe(x):\n    return x', signal)).ids;
    // The full distribution: n_probs = n_vocab with one predicted token.
    let distribution = false;
    if (this.nVocab > 0) {
      try {
        const rows = await this.distributions([probeIds.slice(0, 6)], this.nVocab, signal);
        distribution = rows[0]!.some((v) => v > Number.NEGATIVE_INFINITY);
      } catch (error) {
        if (!(error instanceof TokenwiseError) || error.kind === 'cancelled') throw error;
        notes.push(`no full distribution (${error.message})`);
      }
    } else notes.push('exact and heal boundary modes unavailable: the vocabulary size is unknown (GET /v1/models meta.n_vocab)');
    // /infill: a warm-up request (n_predict 0) answers when the model has FIM tokens.
    let infill = false;
    try {
      await this.http.json<unknown>('POST', '/infill', { input_prefix: 'def f(', input_suffix: '):\n', input_extra: [], n_predict: 0, cache_prompt: true, id_slot: infillSlot }, opts);
      infill = true;
    } catch (error) {
      if (!(error instanceof TokenwiseError) || error.kind === 'cancelled') throw error;
      notes.push(`POST /infill unavailable (${error instanceof HttpError ? `HTTP ${error.status}: ${error.serverMessage}` : error.message}): without a tokenizer.json completion renders the FIM template as text`);
    }
    if (!distribution) notes.push('completion uses naive prompts; heat map unavailable');
    else notes.push('heat map: one n_probs request per scored token (batched), exact ranks and entropy');
    return {
      model: this.model,
      maxContext: nCtx,
      vocabSize: this.nVocab || null,
      tokenize: true,
      tokenPrompts: true,
      distribution,
      candidates: false,
      promptLogprobs: false,
      maxTopK: distribution ? 100 : 0,
      exactRank: distribution,
      entropy: distribution,
      prefixCache: true,
      infill,
      // `n_probs` is a /completion (and /infill) option on every version: generated tokens' logprobs.
      generationLogprobs: true,
      notes,
      details: { server: 'llama.cpp', ...(nCtx ? { n_ctx: nCtx } : {}), ...(this.nVocab ? { n_vocab: this.nVocab } : {}), ...(typeof props.total_slots === 'number' ? { slots: props.total_slots } : {}) },
    };
  }

  async tokenize(text: string, signal?: AbortSignal): Promise<{ ids: number[]; pieces: Uint8Array[] | null }> {
    const r = await this.http.json<unknown>('POST', '/tokenize', { content: text, add_special: false, with_pieces: true }, { signal, idempotent: true });
    if (!isRecord(r) || !Array.isArray(r.tokens)) return malformed('POST /tokenize', 'no tokens');
    const ids: number[] = [];
    const pieces: Uint8Array[] = [];
    for (const t of r.tokens) {
      if (typeof t === 'number') {
        ids.push(t);
        continue;
      }
      if (!isRecord(t) || typeof t.id !== 'number') return malformed('POST /tokenize', 'a token is not {id, piece}');
      ids.push(t.id);
      pieces.push(typeof t.piece === 'string' ? encoder.encode(t.piece) : Array.isArray(t.piece) ? Uint8Array.from(t.piece as number[]) : new Uint8Array(0));
    }
    return { ids, pieces: pieces.length === ids.length ? pieces : null };
  }

  async detokenize(ids: readonly number[], signal?: AbortSignal): Promise<string> {
    const r = await this.http.json<unknown>('POST', '/detokenize', { tokens: ids }, { signal, idempotent: true });
    if (!isRecord(r) || typeof r.content !== 'string') return malformed('POST /detokenize', 'no content');
    return r.content;
  }

  generate(prompt: RemotePrompt, options: RemoteGenerateOptions): Promise<RemoteGeneration> {
    return this.streamCompletion('/completion', { prompt: prompt.ids.length ? prompt.ids : prompt.text }, options);
  }

  /** `/infill`: the server renders the FIM prompt (prefix, suffix, other files) with the model's tokens. */
  infill(parts: RemoteInfill, options: RemoteGenerateOptions): Promise<RemoteGeneration> {
    return this.streamCompletion(
      '/infill',
      {
        input_prefix: parts.prefix,
        input_suffix: parts.suffix,
        input_extra: parts.extra.map((c) => ({ filename: c.filename, text: c.text })),
        prompt: '',
        id_slot: infillSlot,
        ...(options.stopStrings.length ? { stop: [...options.stopStrings] } : {}),
      },
      options,
    );
  }

  private async streamCompletion(path: '/completion' | '/infill', fields: Record<string, unknown>, options: RemoteGenerateOptions): Promise<RemoteGeneration> {
    const where = `POST ${path}`;
    const t0 = performance.now();
    let firstTokenMs = -1;
    const tokens: number[] = [];
    // `n_probs: 1` with `post_sampling_probs: false`: each event's `completion_probabilities` holds its
    // tokens' logprobs (before the sampler chain: the model's own) and bytes.
    const logprobs: number[] = [];
    const tokenBytes: Uint8Array[] = [];
    // A version whose entries carry no `logprob` (older `probs: [{tok_str, prob}]`): no confidence, not an error.
    let withoutLogprobs = false;
    let text = '';
    let finishReason: 'stop' | 'length' = 'stop';
    const stop = new Set(options.stopTokenIds);
    const s = options.sampling;
    const greedy = !(s?.temperature && s.temperature > 0);
    await this.http.stream(
      path,
      {
        ...fields,
        n_predict: options.maxNewTokens,
        temperature: greedy ? 0 : s!.temperature,
        ...(greedy ? { top_k: 1 } : { top_k: s?.topK ?? 0, top_p: s?.topP ?? 1 }),
        ...(s?.seed !== undefined ? { seed: s.seed } : {}),
        return_tokens: true,
        cache_prompt: true,
        ...(options.logprobs ? { n_probs: 1, post_sampling_probs: false } : {}),
        stream: true,
      },
      (event) => {
        if (!isRecord(event)) return malformed(where, 'event is not an object');
        const fresh: number[] = [];
        const probs = options.logprobs ? probabilitiesOf(event) : undefined;
        if (Array.isArray(event.tokens))
          for (const [i, id] of event.tokens.entries()) {
            if (typeof id !== 'number') return malformed(where, 'tokens are not ids');
            if (stop.has(id)) {
              tokens.push(...fresh);
              if (fresh.length) options.onTokens?.(fresh);
              finishReason = 'stop';
              return false;
            }
            if (options.logprobs) {
              const p = Array.isArray(probs) ? probs[i] : undefined;
              if (isRecord(p) && typeof p.id === 'number' && p.id !== id) return malformed(where, `completion_probabilities[${i}] is token ${p.id}, not ${id}`);
              if (!isRecord(p) || typeof p.logprob !== 'number') withoutLogprobs = true;
              else {
                logprobs.push(p.logprob);
                tokenBytes.push(Array.isArray(p.bytes) && p.bytes.every((b) => Number.isInteger(b)) ? Uint8Array.from(p.bytes as number[]) : encoder.encode(typeof p.token === 'string' ? p.token : ''));
              }
            }
            fresh.push(id);
          }
        if (fresh.length) {
          if (firstTokenMs < 0) firstTokenMs = performance.now() - t0;
          tokens.push(...fresh);
          options.onTokens?.(fresh);
        }
        if (typeof event.content === 'string') {
          if (firstTokenMs < 0 && event.content) firstTokenMs = performance.now() - t0;
          text += event.content;
        }
        if (event.stop === true) {
          finishReason = event.stop_type === 'limit' ? 'length' : 'stop';
          return false;
        }
        return true;
      },
      { signal: options.signal },
    );
    return { tokens, text, finishReason, firstTokenMs: firstTokenMs < 0 ? performance.now() - t0 : firstTokenMs, ...(options.logprobs && !withoutLogprobs ? { logprobs, tokenBytes } : {}) };
  }

  async distributions(prompts: readonly (readonly number[])[], vocab: number, signal?: AbortSignal): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let at = 0; at < prompts.length; at += distributionBatch) {
      const group = prompts.slice(at, at + distributionBatch);
      const r = await this.http.json<unknown>(
        'POST',
        '/completion',
        { prompt: group.length === 1 ? group[0] : group, n_predict: 1, n_probs: Math.max(vocab, this.nVocab), temperature: 0, cache_prompt: true },
        { signal, idempotent: true, timeoutMs: 60_000 },
      );
      const results = Array.isArray(r) ? r : [r];
      if (results.length !== group.length) return malformed(completion, `${results.length} results for ${group.length} prompts`);
      const rows = group.map(() => new Float32Array(vocab).fill(Number.NEGATIVE_INFINITY));
      results.forEach((result, position) => {
        if (!isRecord(result)) return malformed(completion, 'a result is not an object');
        const index = typeof result.index === 'number' && group.length > 1 ? result.index : position;
        const probs = probabilitiesOf(result);
        if (!Array.isArray(probs) || !isRecord(probs[0]) || !Array.isArray(probs[0].top_logprobs) || !rows[index])
          return malformed(completion, 'no completion_probabilities[0].top_logprobs (n_probs)');
        for (const p of probs[0].top_logprobs) {
          if (!isRecord(p) || typeof p.id !== 'number' || typeof p.logprob !== 'number') return malformed(completion, 'a top_logprobs entry is not {id, logprob}');
          if (p.id < vocab) rows[index]![p.id] = p.logprob;
        }
      });
      out.push(...rows);
    }
    return out;
  }

  /** llama.cpp has no listed-ids request: the full distributions hold every candidate. */
  sparse(queries: readonly LogprobQuery[], vocab: number, signal?: AbortSignal): Promise<Float32Array[]> {
    return this.distributions(queries.map((q) => q.tokens), vocab, signal);
  }
}

/**
 * The per-token list of a `/completion` result: `completion_probabilities` as the README's text names
 * it (and servers send), or `probs` as its schema block writes it.
 */
function probabilitiesOf(result: Record<string, unknown>): unknown {
  return result.completion_probabilities ?? result.probs;
}
