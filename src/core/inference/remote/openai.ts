/**
 * Any OpenAI-compatible legacy completions endpoint (`POST /v1/completions`: LM Studio, hosted
 * APIs, llama.cpp's and vLLM's OpenAI layers). The FIM prompt is rendered by Tokenwise and sent as
 * `prompt` text — never `suffix` (vLLM and llama.cpp reject it). Streaming is SSE
 * (`data: {...}` lines, `data: [DONE]`). Prompt logprobs, where the server allows them, come
 * from `echo: true` + `logprobs: k` + `max_tokens: 0` (hosted OpenAI caps k at 5).
 */
import { TokenwiseError } from '../../base/errors';
import { HttpError, type HttpClient } from './http';
import { StreamedTokenEnds } from './tokenEnds';
import { isRecord, type RemoteGenerateOptions, type RemoteGeneration, type RemotePrompt, type RemoteServer, type ServerProbe } from './types';

export function malformed(where: string, what: string): never {
  throw new TokenwiseError('model', `${where}: malformed answer from the server (${what}).`);
}

/** Reads the first choice of a completions stream event. */
export function firstChoice(event: unknown, where: string): Record<string, unknown> | null {
  if (!isRecord(event) || !Array.isArray(event.choices)) return malformed(where, 'no choices');
  const choice = event.choices[0];
  if (choice === undefined) return null;
  if (!isRecord(choice)) return malformed(where, 'a choice is not an object');
  return choice;
}

export function finishOf(reason: unknown): 'stop' | 'length' {
  return reason === 'length' ? 'length' : 'stop';
}

/** Sampling fields of the OpenAI completions request (greedy = temperature 0). */
export function openaiSampling(options: RemoteGenerateOptions): Record<string, unknown> {
  const s = options.sampling;
  const greedy = !(s?.temperature && s.temperature > 0);
  return {
    temperature: greedy ? 0 : s!.temperature,
    ...(s?.topP !== undefined && !greedy ? { top_p: s.topP } : {}),
    ...(s?.seed !== undefined ? { seed: s.seed } : {}),
  };
}

/** Streams `/v1/completions` and collects the text (and, through `onChoice`, anything else). */
export async function streamCompletion(
  http: HttpClient,
  body: Record<string, unknown>,
  options: RemoteGenerateOptions,
  onChoice?: (choice: Record<string, unknown>) => boolean | void,
): Promise<RemoteGeneration> {
  const t0 = performance.now();
  let firstTokenMs = -1;
  let text = '';
  let finishReason: 'stop' | 'length' = 'length';
  let finished = false;
  await http.stream(
    '/v1/completions',
    { ...body, stream: true },
    (event) => {
      const choice = firstChoice(event, 'POST /v1/completions');
      if (!choice) return true;
      if (typeof choice.text === 'string' && choice.text) {
        if (firstTokenMs < 0) firstTokenMs = performance.now() - t0;
        text += choice.text;
      }
      const more = onChoice?.(choice);
      if (choice.finish_reason !== null && choice.finish_reason !== undefined) {
        finishReason = finishOf(choice.finish_reason);
        finished = true;
      }
      if (more === false) {
        finishReason = 'stop';
        return false;
      }
      return true;
    },
    { signal: options.signal },
  );
  if (!finished && firstTokenMs < 0 && !text) finishReason = 'stop';
  return { tokens: null, text, finishReason, firstTokenMs: firstTokenMs < 0 ? performance.now() - t0 : firstTokenMs };
}

export class OpenAIServer implements RemoteServer {
  readonly kind = 'openai' as const;
  private model = '';
  private maxTopK = 0;
  private generationLogprobs = false;

  constructor(
    private readonly http: HttpClient,
    private readonly modelSetting: string,
  ) {}

  async probe(signal?: AbortSignal): Promise<ServerProbe> {
    const notes: string[] = [];
    let model = this.modelSetting;
    try {
      const list = await this.http.json<{ data?: Array<{ id?: unknown }> }>('GET', '/v1/models', undefined, { signal, idempotent: true, timeoutMs: 10_000 });
      const ids = (Array.isArray(list.data) ? list.data : []).map((m) => m?.id).filter((id): id is string => typeof id === 'string');
      if (!model) model = ids[0] ?? '';
      else if (ids.length && !ids.includes(model)) notes.push(`the server does not list model '${model}' (it lists ${ids.slice(0, 5).join(', ')})`);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      notes.push(`GET /v1/models answered HTTP ${error.status}`);
    }
    if (!model) throw new TokenwiseError('usage', 'Set the remote model name (tokenwise.remote.model / --remote-model): the server lists none.');
    this.model = model;
    // Prompt logprobs through echo: ask for 5 (the hosted cap) and see whether the server allows it.
    let promptLogprobs = false;
    try {
      const r = await this.http.json('POST', '/v1/completions', { model, prompt: 'def f(x):', max_tokens: 0, echo: true, logprobs: 5, temperature: 0 }, { signal, idempotent: true, timeoutMs: 20_000 });
      const choice = firstChoice(r, 'POST /v1/completions');
      const lp = choice?.logprobs;
      promptLogprobs = isRecord(lp) && Array.isArray(lp.token_logprobs) && lp.token_logprobs.length > 1;
      if (promptLogprobs) this.maxTopK = 5;
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      notes.push(`no prompt logprobs (echo + logprobs: ${error.serverMessage})`);
    }
    // Generated-token logprobs (`logprobs: 1`: the chosen token's logprob is always in `token_logprobs`).
    this.generationLogprobs = false;
    try {
      const r = await this.http.json('POST', '/v1/completions', { model, prompt: 'def f(x):', max_tokens: 1, logprobs: 1, temperature: 0 }, { signal, idempotent: true, timeoutMs: 20_000 });
      const lp = firstChoice(r, 'POST /v1/completions')?.logprobs;
      this.generationLogprobs = isRecord(lp) && Array.isArray(lp.token_logprobs) && typeof lp.token_logprobs[0] === 'number';
      if (!this.generationLogprobs) notes.push('no generated-token logprobs (the answer has no token_logprobs): no confidence gate');
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      notes.push(`no generated-token logprobs (logprobs: ${error.serverMessage}): no confidence gate`);
    }
    notes.push('exact and heal boundary modes need token-level logprobs this endpoint does not give: completion uses naive prompts');
    if (!promptLogprobs) notes.push('heat map unavailable: the server gives no prompt logprobs');
    else notes.push('heat map: ranks beyond the top 5 shown as ">5", no entropy');
    return {
      model,
      maxContext: null,
      vocabSize: null,
      tokenize: false,
      tokenPrompts: false,
      distribution: false,
      candidates: false,
      promptLogprobs,
      maxTopK: this.maxTopK,
      exactRank: false,
      entropy: false,
      prefixCache: false,
      generationLogprobs: this.generationLogprobs,
      notes,
      details: { server: 'OpenAI-compatible' },
    };
  }

  async generate(prompt: RemotePrompt, options: RemoteGenerateOptions): Promise<RemoteGeneration> {
    const want = options.logprobs === true && this.generationLogprobs;
    const logprobs: number[] = [];
    const ends = new StreamedTokenEnds();
    const collect = (choice: Record<string, unknown>) => {
      const lp = choice.logprobs;
      const values = isRecord(lp) && Array.isArray(lp.token_logprobs) ? lp.token_logprobs : [];
      for (const [i, v] of values.entries()) {
        if (typeof v !== 'number') return malformed('POST /v1/completions', `token_logprobs[${i}] is not a number`);
        logprobs.push(v);
      }
      ends.add(values.length, typeof choice.text === 'string' ? choice.text : '', isRecord(lp) && Array.isArray(lp.text_offset) ? lp.text_offset : undefined);
    };
    const result = await streamCompletion(
      this.http,
      {
        model: this.model,
        prompt: prompt.text,
        max_tokens: options.maxNewTokens,
        ...openaiSampling(options),
        // OpenAI accepts at most 4 stop strings.
        ...(options.stopStrings.length ? { stop: options.stopStrings.slice(0, 4) } : {}),
        ...(want ? { logprobs: 1 } : {}),
      },
      options,
      want ? collect : undefined,
    );
    return want && logprobs.length ? { ...result, logprobs, tokenEnds: ends.ends } : result;
  }

  async promptLogprobs(prompt: RemotePrompt, topK: number, signal?: AbortSignal) {
    const where = 'POST /v1/completions';
    const r = await this.http.json('POST', '/v1/completions', { model: this.model, prompt: prompt.text, max_tokens: 0, echo: true, logprobs: Math.min(topK, this.maxTopK), temperature: 0 }, { signal, idempotent: true });
    const lp = firstChoice(r, where)?.logprobs;
    if (!isRecord(lp) || !Array.isArray(lp.token_logprobs) || !Array.isArray(lp.tokens)) return malformed(where, 'no logprobs');
    const n = lp.tokens.length;
    if (n !== prompt.ids.length)
      throw new TokenwiseError('model', `The server tokenized the text into ${n} tokens, the local tokenizer into ${prompt.ids.length}: point tokenwise.remote.tokenizerPath at the served model's tokenizer.json.`);
    const tops = Array.isArray(lp.top_logprobs) ? lp.top_logprobs : [];
    const out = [];
    for (let i = 1; i < n; i++) {
      const logprob = lp.token_logprobs[i];
      if (typeof logprob !== 'number') return malformed(where, `token_logprobs[${i}] is not a number`);
      const topMap = isRecord(tops[i]) ? (tops[i] as Record<string, unknown>) : {};
      const top = Object.entries(topMap)
        .filter((e): e is [string, number] => typeof e[1] === 'number')
        .sort((a, b) => b[1] - a[1])
        .map(([text, lpv]) => ({ id: -1, text, logprob: lpv }));
      const better = top.filter((t) => t.logprob > logprob).length;
      out.push({ id: prompt.ids[i]!, logprob, entropy: Number.NaN, rank: better + 1 > top.length ? top.length + 1 : better + 1, top });
    }
    return out;
  }
}
