/**
 * vLLM's OpenAI-compatible server, with its extensions (docs: serving/openai_compatible_server.md,
 * vllm/entrypoints/openai/protocol.py, vllm/sampling_params.py):
 * - `POST /v1/completions` takes token-id prompts (`prompt: [ids]`, or a list of them: one choice
 *   per prompt, `index` = position), `stop_token_ids`, `return_tokens_as_token_ids` (logprob
 *   tokens written `token_id:N`), `logprobs: -1` (whole vocabulary, needs `--max-logprobs -1`),
 *   `logprob_token_ids` (logprobs of exactly the listed ids), `prompt_logprobs: k` (per prompt
 *   token: `{ "<id>": {logprob, rank, decoded_token} }`, the prompt token and the top k).
 * - `POST /tokenize` `{model, prompt, add_special_tokens, return_token_strs}` → `{count, max_model_len, tokens, token_strs}`;
 *   `POST /detokenize` `{model, tokens}` → `{prompt}`; `GET /v1/models` → `data[].max_model_len`.
 */
import { TokenwiseError } from '../../base/errors';
import { HttpError, type HttpClient } from './http';
import { finishOf, firstChoice, malformed, openaiSampling } from './openai';
import { isRecord, tokenIdOf, type LogprobQuery, type RemoteGenerateOptions, type RemoteGeneration, type RemotePrompt, type RemoteServer, type ServerProbe } from './types';
import { tokenStringBytes } from './tokenStrings';
import { StreamedTokenEnds } from './tokenEnds';

const completions = 'POST /v1/completions';

/** Fills `out` from a logprobs map keyed by `token_id:N` (or N) → number or {logprob}. */
function fillFromMap(map: unknown, out: Float32Array, where: string): number {
  if (!isRecord(map)) return malformed(where, 'top_logprobs entry is not an object');
  let n = 0;
  for (const [key, value] of Object.entries(map)) {
    const id = tokenIdOf(key);
    const lp = typeof value === 'number' ? value : isRecord(value) && typeof value.logprob === 'number' ? value.logprob : null;
    if (id === null || lp === null) return malformed(where, `logprob entry '${key.slice(0, 20)}'`);
    if (id < out.length) {
      out[id] = lp;
      n++;
    }
  }
  return n;
}

export class VllmServer implements RemoteServer {
  readonly kind = 'vllm' as const;
  private model = '';

  constructor(
    private readonly http: HttpClient,
    private readonly modelSetting: string,
  ) {}

  async probe(signal?: AbortSignal): Promise<ServerProbe> {
    const notes: string[] = [];
    const opts = { signal, idempotent: true, timeoutMs: 15_000 };
    const list = await this.http.json<unknown>('GET', '/v1/models', undefined, opts);
    if (!isRecord(list) || !Array.isArray(list.data)) return malformed('GET /v1/models', 'no data list');
    const models = list.data.filter(isRecord);
    const entry = this.modelSetting ? models.find((m) => m.id === this.modelSetting) : models[0];
    if (!entry) {
      if (this.modelSetting) throw new TokenwiseError('usage', `The vLLM server does not serve '${this.modelSetting}' (it serves ${models.map((m) => String(m.id)).join(', ') || 'nothing'}).`);
      throw new TokenwiseError('model', 'The vLLM server lists no model (GET /v1/models).');
    }
    this.model = String(entry.id);
    const maxContext = typeof entry.max_model_len === 'number' ? entry.max_model_len : null;

    let tokenize = false;
    let probeIds: number[] = [];
    try {
      probeIds = (await this.tokenize('def probe(x):\n    return x', signal)).ids;
      tokenize = true;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      notes.push(`no /tokenize (${error.serverMessage})`);
    }
    const prompt = probeIds.length ? probeIds.slice(0, 6) : 'def probe(x):';
    const ask = async (extra: Record<string, unknown>): Promise<Record<string, unknown> | string> => {
      try {
        const r = await this.http.json('POST', '/v1/completions', { model: this.model, prompt, max_tokens: 1, temperature: 0, return_tokens_as_token_ids: true, ...extra }, opts);
        return firstChoice(r, completions) ?? 'no choice';
      } catch (error) {
        if (error instanceof HttpError) return error.serverMessage;
        throw error;
      }
    };
    const [full, listed, promptLp] = await Promise.all([ask({ logprobs: -1 }), ask({ logprobs: 1, logprob_token_ids: [0, 1] }), ask({ prompt_logprobs: 5 })]);
    const topOf = (c: Record<string, unknown> | string) => (typeof c === 'string' || !isRecord(c.logprobs) || !Array.isArray(c.logprobs.top_logprobs) ? null : c.logprobs.top_logprobs[0]);
    const fullTop = topOf(full);
    const fullCount = isRecord(fullTop) ? Object.keys(fullTop).length : 0;
    const distribution = fullCount > 256;
    if (!distribution) notes.push(`no full distribution (logprobs: -1: ${typeof full === 'string' ? full : `${fullCount} entries`}); start vLLM with --max-logprobs -1`);
    const listedTop = topOf(listed);
    const candidates = isRecord(listedTop) && Object.keys(listedTop).some((k) => tokenIdOf(k) === 0) && Object.keys(listedTop).some((k) => tokenIdOf(k) === 1);
    if (!candidates) notes.push(`no logprob_token_ids (${typeof listed === 'string' ? listed : 'ids not in the answer'})`);
    const promptLogprobs = typeof promptLp !== 'string' && Array.isArray(promptLp.prompt_logprobs);
    if (!promptLogprobs) notes.push(`no prompt_logprobs (${typeof promptLp === 'string' ? promptLp : 'missing'}): heat map unavailable`);
    if (!distribution && !candidates) notes.push('exact and heal boundary modes unavailable: completion uses naive prompts');
    notes.push(distribution ? 'heat map: exact ranks, entropy from the full distribution' : 'heat map: exact ranks from prompt_logprobs, no entropy');
    return {
      model: this.model,
      maxContext,
      vocabSize: distribution ? fullCount : null,
      tokenize,
      tokenPrompts: true,
      distribution,
      candidates,
      promptLogprobs,
      maxTopK: distribution ? 100 : 20,
      exactRank: true,
      entropy: false,
      prefixCache: true,
      // Every generation streams `logprobs: 1` (the chosen ids come from it): their logprobs too.
      generationLogprobs: true,
      notes,
      details: { server: 'vLLM', ...(maxContext ? { max_model_len: maxContext } : {}) },
    };
  }

  async tokenize(text: string, signal?: AbortSignal): Promise<{ ids: number[]; pieces: Uint8Array[] | null }> {
    const r = await this.http.json<unknown>('POST', '/tokenize', { model: this.model || undefined, prompt: text, add_special_tokens: false, return_token_strs: true }, { signal, idempotent: true });
    if (!isRecord(r) || !Array.isArray(r.tokens) || !r.tokens.every((t) => Number.isInteger(t))) return malformed('POST /tokenize', 'no tokens');
    const strs = Array.isArray(r.token_strs) && r.token_strs.length === r.tokens.length ? (r.token_strs as unknown[]) : null;
    return { ids: r.tokens as number[], pieces: strs ? strs.map((s) => tokenStringBytes(String(s))) : null };
  }

  async detokenize(ids: readonly number[], signal?: AbortSignal): Promise<string> {
    const r = await this.http.json<unknown>('POST', '/detokenize', { model: this.model || undefined, tokens: ids }, { signal, idempotent: true });
    if (!isRecord(r) || typeof r.prompt !== 'string') return malformed('POST /detokenize', 'no prompt');
    return r.prompt;
  }

  async generate(prompt: RemotePrompt, options: RemoteGenerateOptions): Promise<RemoteGeneration> {
    const t0 = performance.now();
    let firstTokenMs = -1;
    const tokens: number[] = [];
    // `logprobs: 1` gives each chosen token's logprob (`token_logprobs`, raw model logprobs by default).
    const logprobs: number[] = [];
    const ends = new StreamedTokenEnds();
    let text = '';
    let finishReason: 'stop' | 'length' = 'stop';
    const stop = new Set(options.stopTokenIds);
    await this.http.stream(
      '/v1/completions',
      {
        model: this.model,
        prompt: prompt.ids.length ? prompt.ids : prompt.text,
        max_tokens: options.maxNewTokens,
        ...openaiSampling(options),
        ...(options.sampling?.topK ? { top_k: options.sampling.topK } : {}),
        stop_token_ids: options.stopTokenIds,
        logprobs: 1,
        return_tokens_as_token_ids: true,
        skip_special_tokens: false,
        stream: true,
      },
      (event) => {
        const choice = firstChoice(event, completions);
        if (!choice) return true;
        const lp = choice.logprobs;
        const fresh: number[] = [];
        if (isRecord(lp) && Array.isArray(lp.tokens))
          for (const [i, t] of lp.tokens.entries()) {
            const id = tokenIdOf(String(t));
            if (id === null) return malformed(completions, `token '${String(t).slice(0, 20)}' is not token_id:N`);
            if (stop.has(id)) {
              finishReason = 'stop';
              if (fresh.length) options.onTokens?.(fresh);
              tokens.push(...fresh);
              ends.add(fresh.length, '');
              return false;
            }
            if (options.logprobs) {
              const value = Array.isArray(lp.token_logprobs) ? lp.token_logprobs[i] : undefined;
              if (typeof value !== 'number') return malformed(completions, `token_logprobs[${i}] is not a number`);
              logprobs.push(value);
            }
            fresh.push(id);
          }
        if (fresh.length) {
          if (firstTokenMs < 0) firstTokenMs = performance.now() - t0;
          tokens.push(...fresh);
          options.onTokens?.(fresh);
        }
        if (typeof choice.text === 'string') text += choice.text;
        ends.add(fresh.length, typeof choice.text === 'string' ? choice.text : '', isRecord(lp) && Array.isArray(lp.text_offset) ? lp.text_offset : undefined);
        if (choice.finish_reason !== null && choice.finish_reason !== undefined) finishReason = finishOf(choice.finish_reason);
        return true;
      },
      { signal: options.signal },
    );
    return { tokens, text, finishReason, firstTokenMs: firstTokenMs < 0 ? performance.now() - t0 : firstTokenMs, ...(options.logprobs ? { logprobs, tokenEnds: ends.ends } : {}) };
  }

  /** One request, one choice per prompt (`index` orders them). */
  private async batch(prompts: readonly (readonly number[])[], extra: Record<string, unknown>, vocab: number, signal?: AbortSignal): Promise<Float32Array[]> {
    const r = await this.http.json<unknown>('POST', '/v1/completions', { model: this.model, prompt: prompts, max_tokens: 1, temperature: 0, return_tokens_as_token_ids: true, ...extra }, { signal, idempotent: true, timeoutMs: 60_000 });
    if (!isRecord(r) || !Array.isArray(r.choices)) return malformed(completions, 'no choices');
    const out = prompts.map(() => new Float32Array(vocab).fill(Number.NEGATIVE_INFINITY));
    const seen = new Set<number>();
    r.choices.forEach((choice, position) => {
      if (!isRecord(choice)) return malformed(completions, 'a choice is not an object');
      const index = typeof choice.index === 'number' ? choice.index : position;
      const lp = choice.logprobs;
      if (!isRecord(lp) || !Array.isArray(lp.top_logprobs) || !out[index]) return malformed(completions, 'no top_logprobs');
      fillFromMap(lp.top_logprobs[0], out[index]!, completions);
      seen.add(index);
    });
    if (seen.size !== prompts.length) return malformed(completions, `${seen.size} choices for ${prompts.length} prompts`);
    return out;
  }

  distributions(prompts: readonly (readonly number[])[], vocab: number, signal?: AbortSignal): Promise<Float32Array[]> {
    return this.batch(prompts, { logprobs: -1 }, vocab, signal);
  }

  async sparse(queries: readonly LogprobQuery[], vocab: number, signal?: AbortSignal): Promise<Float32Array[]> {
    // `logprob_token_ids` applies to every prompt of a request: one request with the union.
    const ids = [...new Set(queries.flatMap((q) => [...q.candidates]))].sort((a, b) => a - b);
    const topK = Math.max(1, ...queries.map((q) => q.topK));
    const out = await this.batch(queries.map((q) => q.tokens), { logprobs: Math.min(topK, 20), logprob_token_ids: ids }, vocab, signal);
    queries.forEach((q, i) => {
      for (const id of q.candidates) if (out[i]![id] === Number.NEGATIVE_INFINITY && id < vocab) throw new TokenwiseError('model', `vLLM left out the logprob of listed token ${id} (logprob_token_ids); this server version may not support it.`);
    });
    return out;
  }

  async promptLogprobs(prompt: RemotePrompt, topK: number, signal?: AbortSignal) {
    const r = await this.http.json<unknown>('POST', '/v1/completions', { model: this.model, prompt: prompt.ids, max_tokens: 1, temperature: 0, prompt_logprobs: topK }, { signal, idempotent: true, timeoutMs: 120_000 });
    const choice = firstChoice(r, completions);
    const rows = choice?.prompt_logprobs;
    if (!Array.isArray(rows) || rows.length !== prompt.ids.length) return malformed(completions, `prompt_logprobs has ${Array.isArray(rows) ? rows.length : 'no'} rows for ${prompt.ids.length} prompt tokens`);
    const out = [];
    for (let i = 1; i < rows.length; i++) {
      const row = rows[i];
      if (!isRecord(row)) return malformed(completions, `prompt_logprobs[${i}]`);
      const id = prompt.ids[i]!;
      const entries: Array<{ id: number; text: string; logprob: number; rank: number }> = [];
      for (const [key, value] of Object.entries(row)) {
        const tid = tokenIdOf(key);
        if (tid === null || !isRecord(value) || typeof value.logprob !== 'number') return malformed(completions, `prompt_logprobs[${i}] entry '${key.slice(0, 20)}'`);
        entries.push({ id: tid, text: typeof value.decoded_token === 'string' ? value.decoded_token : '', logprob: value.logprob, rank: typeof value.rank === 'number' ? value.rank : 0 });
      }
      const self = entries.find((e) => e.id === id);
      if (!self) return malformed(completions, `prompt_logprobs[${i}] lacks the prompt token ${id}`);
      const top = entries.sort((a, b) => b.logprob - a.logprob).slice(0, topK).map(({ id: tid, text, logprob }) => ({ id: tid, text, logprob }));
      const rank = self.rank > 0 ? self.rank : top.findIndex((t) => t.id === id) + 1 || topK + 1;
      out.push({ id, logprob: self.logprob, entropy: Number.NaN, rank, top });
    }
    return out;
  }
}
