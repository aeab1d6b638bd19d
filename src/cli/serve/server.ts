/**
 * `tokenwise serve`: the embedded engine behind the endpoint subsets of vLLM's OpenAI-compatible
 * server and llama.cpp's `llama-server`, with their documented request and response shapes.
 * Written from the servers' documentation (vLLM: docs/serving/openai_compatible_server.md,
 * vllm/entrypoints/openai/protocol.py; llama.cpp: tools/server/README.md), independently of the
 * client in src/core/inference/remote (no shared schema).
 *
 * vLLM:      GET /v1/models, POST /v1/completions (prompt text / ids / lists of either; stream;
 *            logprobs incl. -1; logprob_token_ids; prompt_logprobs; echo; stop, stop_token_ids;
 *            return_tokens_as_token_ids), POST /v1/chat/completions (chat.ts: the model's chat template or a plain
 *            transcript), POST /tokenize {prompt}, POST /detokenize, GET /health.
 * llama.cpp: POST /completion (prompt text / ids / list; n_predict; n_probs; post_sampling_probs;
 *            stream; return_tokens),
 *            POST /infill (input_prefix, input_suffix, input_extra, prompt, and every /completion
 *            option; the FIM prompt from the model's FIM tokens, repo-level with FIM_REP/FIM_SEP),
 *            POST /tokenize {content, with_pieces}, POST /detokenize, GET /props, GET /health.
 * Binds 127.0.0.1 unless told otherwise; optional bearer token (all but /health).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { describeError, TokenwiseError } from '../../core/base/errors';
import type { LoadedEmbeddedModel } from '../../core/inference/factory';
import type { ModelInfo } from '../../core/inference/types';
import { mulberry32 } from '../../core/base/numbers';
import { utf8CompleteEnd } from '../../core/base/utf8';
import { chatCompletions, templateSource } from './chat';

export interface ServeOptions {
  port: number;
  host?: string;
  /** Required bearer token; undefined = open. */
  apiKey?: string;
  /** Name reported as the model id (default: the model directory's name). */
  modelName?: string;
  /** Most logprobs per position (vLLM --max-logprobs; -1 = the whole vocabulary, the default here). */
  maxLogprobs?: number;
  /** One line per request (method, path, status, ms) — never bodies or keys. */
  log?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = 'BadRequestError',
  ) {
    super(message);
  }
}

const bad = (message: string) => new HttpFailure(400, message);

interface Gen {
  ids: number[];
  maxTokens: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number | undefined;
  stopIds: Set<number>;
  stopStrings: string[];
  /** Alternatives reported per generated token: null = no logprobs, 0 = the chosen token's only, -1 = all. */
  logprobs: number | null;
  /** Ids whose logprobs are reported at every generated position. */
  listed: number[];
  /** Streamed: the stop token's probabilities are not reported, so the engine's own loop can give the chosen tokens' logprobs. */
  streamed: boolean;
}

interface Step {
  id: number;
  /** Natural-log probability of the token under the model, when logprobs were asked for. */
  logprob: number | null;
  /** Natural-log distribution at this position, when more than the chosen token's logprob is reported. */
  dist: Float32Array | null;
}

/** Rows of a prompt scored in one pass where at most this many alternatives are asked for (else one position at a time, full rows). */
const scoredTopK = 256;

/**
 * The candidates the sampler chain leaves (top-k, then top-p, at `temperature`) and their
 * probabilities, most probable first; greedy leaves the top token with probability 1. What
 * `sample` draws from and what llama.cpp's `post_sampling_probs` reports.
 */
function samplerCandidates(row: Float32Array, g: Gen): Array<{ id: number; p: number }> {
  if (g.temperature <= 0) return [{ id: argmax(row), p: 1 }];
  let ids = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]!);
  if (g.topK > 0) ids = ids.slice(0, g.topK);
  const max = row[ids[0]!]!;
  const w = ids.map((id) => Math.exp((row[id]! - max) / g.temperature));
  const total = w.reduce((a, b) => a + b, 0);
  let keep = ids.length;
  if (g.topP < 1) {
    let acc = 0;
    for (let i = 0; i < ids.length; i++) {
      acc += w[i]! / total;
      if (acc >= g.topP) {
        keep = i + 1;
        break;
      }
    }
  }
  const kept = w.slice(0, keep).reduce((a, b) => a + b, 0);
  return ids.slice(0, keep).map((id, i) => ({ id, p: w[i]! / kept }));
}


/**
 * A streamed completion's text as both servers send it: each token's characters once they are
 * complete (a UTF-8 character split over tokens is held back until the token that completes it;
 * vLLM's incremental detokenizer and llama.cpp's server do the same). Returns the text a token adds.
 */
export function streamedText(bytesOf: (id: number) => ArrayLike<number>): (id: number) => string {
  let pending = new Uint8Array(0);
  const decoder = new TextDecoder();
  return (id) => {
    const add = bytesOf(id);
    const all = new Uint8Array(pending.length + add.length);
    all.set(pending);
    all.set(add, pending.length);
    const end = utf8CompleteEnd(all);
    pending = all.slice(end);
    return decoder.decode(all.subarray(0, end));
  };
}

function argmax(row: Float32Array): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

function sample(row: Float32Array, g: Gen, random: () => number): number {
  const candidates = samplerCandidates(row, g);
  if (candidates.length === 1) return candidates[0]!.id;
  let u = random();
  for (const c of candidates) if ((u -= c.p) <= 0) return c.id;
  return candidates[candidates.length - 1]!.id;
}

function topIds(row: Float32Array, k: number): number[] {
  if (k < 0 || k >= row.length) return Array.from(row.keys()).sort((a, b) => row[b]! - row[a]!);
  const ids = Array.from(row.keys()).sort((a, b) => row[b]! - row[a]!);
  return ids.slice(0, k);
}

function rankOf(row: Float32Array, id: number): number {
  let r = 1;
  const v = row[id]!;
  for (let i = 0; i < row.length; i++) if (row[i]! > v) r++;
  return r;
}

async function readBody(req: IncomingMessage, limit = 32 * 1024 * 1024): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpFailure(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    const json = JSON.parse(text) as unknown;
    if (!json || typeof json !== 'object' || Array.isArray(json)) throw bad('the request body must be a JSON object');
    return json as Record<string, unknown>;
  } catch (error) {
    if (error instanceof HttpFailure) throw error;
    throw bad(`invalid JSON: ${describeError(error)}`);
  }
}

const int = (v: unknown, name: string, fallback: number): number => {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(`${name} must be an integer`);
  return v;
};
const num = (v: unknown, name: string, fallback: number): number => {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw bad(`${name} must be a number`);
  return v;
};
const strings = (v: unknown, name: string): string[] => {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
  throw bad(`${name} must be a string or a list of strings`);
};
const ids = (v: unknown, name: string): number[] => {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v) && v.every((x) => Number.isInteger(x))) return v as number[];
  throw bad(`${name} must be a list of token ids`);
};

export async function startServer(model: LoadedEmbeddedModel, options: ServeOptions): Promise<RunningServer> {
  const engine = model.backend;
  const tok = model.tokenizer;
  const info: ModelInfo = await engine.info();
  const name = options.modelName ?? info.name;
  const vocab = info.vocabSize;
  const maxLogprobs = options.maxLogprobs ?? -1;
  const created = Math.floor(Date.now() / 1000);
  const log = options.log ?? (() => {});
  const nextLogprobs = engine.nextLogprobs!.bind(engine);

  // Raw vocabulary strings (convert_ids_to_tokens) for vLLM's token_strs.
  let vocabStrings: string[] = [];
  if (info.tokenizer.kind === 'tokenizer.json') {
    try {
      const json = JSON.parse(readFileSync(info.tokenizer.path, 'utf8')) as { model?: { vocab?: Record<string, number> }; added_tokens?: Array<{ id: number; content: string }> };
      vocabStrings = [];
      for (const [s, id] of Object.entries(json.model?.vocab ?? {})) vocabStrings[id] = s;
      for (const a of json.added_tokens ?? []) vocabStrings[a.id] = a.content;
    } catch {
      vocabStrings = [];
    }
  }
  const specials = tok.specialTokens().sort((a, b) => b.length - a.length);
  const specialPattern = specials.length ? new RegExp(specials.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g') : null;

  /** Text → ids with special tokens parsed (what both servers do with text prompts). */
  const encodePrompt = (text: string): number[] => {
    if (!specialPattern) return tok.encodeText(text);
    const out: number[] = [];
    let at = 0;
    for (const m of text.matchAll(specialPattern)) {
      if (m.index! > at) out.push(...tok.encodeText(text.slice(at, m.index)));
      out.push(tok.specialId(m[0])!);
      at = m.index! + m[0].length;
    }
    if (at < text.length) out.push(...tok.encodeText(text.slice(at)));
    return out;
  };
  // Per-id text and bytes, decoded once: full-vocabulary answers (n_probs = n_vocab, logprobs: -1) name every id per position.
  const texts: string[] = [];
  const byteLists: number[][] = [];
  const tokenText = (id: number) => (texts[id] ??= tok.decode([id]));
  const tokenBytes = (id: number): number[] => (byteLists[id] ??= Array.from(tok.tokenBytes(id) ?? new TextEncoder().encode(tokenText(id))));
  const checkIds = (list: number[]) => {
    for (const id of list) if (id < 0 || id >= vocab) throw bad(`token id ${id} is out of vocabulary (0..${vocab - 1})`);
  };
  const eos = info.eosTokenIds;

  /** Prompt forms both APIs accept: text, ids, or a list of either. */
  const prompts = (p: unknown): number[][] => {
    if (typeof p === 'string') return [encodePrompt(p)];
    if (Array.isArray(p)) {
      if (p.length === 0) throw bad('prompt is empty');
      if (p.every((x) => Number.isInteger(x))) return [p as number[]];
      return p.map((x) => {
        if (typeof x === 'string') return encodePrompt(x);
        if (Array.isArray(x) && x.every((y) => Number.isInteger(y))) return x as number[];
        throw bad('prompt must be a string, a list of token ids, or a list of those');
      });
    }
    throw bad('prompt must be a string, a list of token ids, or a list of those');
  };

  /**
   * The engine's own loop (prompt-lookup speculation) when at most the chosen tokens' logprobs are
   * reported (greedy: the top token is the chosen one); otherwise one position at a time, each
   * step's whole distribution from the same call.
   */
  async function generate(g: Gen, signal: AbortSignal, onStep: (s: Step) => void): Promise<{ steps: Step[]; reason: 'stop' | 'length'; stopWord: string; stopStep?: Step }> {
    checkIds(g.ids);
    if (g.ids.length + g.maxTokens > info.maxContext) g.maxTokens = Math.max(0, info.maxContext - g.ids.length);
    if (g.ids.length >= info.maxContext) throw bad(`This model's maximum context length is ${info.maxContext} tokens. However, you requested ${g.ids.length} tokens in the prompt.`);
    const steps: Step[] = [];
    let text = '';
    const hitStop = (): string => {
      for (const s of g.stopStrings) if (s && text.includes(s)) return s;
      return '';
    };
    const random = mulberry32(g.seed ?? 0x5eed);
    const chosenOnly = g.logprobs === 0 || (g.logprobs === 1 && g.temperature <= 0);
    if (g.listed.length === 0 && (g.logprobs === null || (g.streamed && chosenOnly))) {
      // A stop string ends the engine's loop from outside (the engine knows stop tokens only).
      const stopped = new AbortController();
      let stopWord = '';
      try {
        const r = await engine.generate(g.ids, {
          maxNewTokens: g.maxTokens,
          stopTokens: [...g.stopIds],
          signal: AbortSignal.any([signal, stopped.signal]),
          ...(g.temperature > 0 ? { sampling: { temperature: g.temperature, ...(g.topK > 0 ? { topK: g.topK } : {}), topP: g.topP, seed: g.seed ?? 0x5eed } } : {}),
          logprobs: g.logprobs !== null,
          onToken: (id, logprob) => {
            if (stopWord) return;
            const s = { id, logprob: logprob ?? null, dist: null };
            steps.push(s);
            onStep(s);
            text += tokenText(id);
            stopWord = hitStop();
            if (stopWord) stopped.abort();
          },
        });
        return { steps, reason: stopWord ? 'stop' : r.finishReason, stopWord };
      } catch (error) {
        if (stopWord && !signal.aborted) return { steps, reason: 'stop', stopWord };
        throw error;
      }
    }
    const seq = [...g.ids];
    for (let i = 0; i < g.maxTokens; i++) {
      const row = await nextLogprobs(seq, { signal, priority: 'interactive' });
      const id = sample(row, g, random);
      // The stop token is not part of the output, but its probabilities are reported.
      if (g.stopIds.has(id)) return { steps, reason: 'stop', stopWord: '', stopStep: { id, logprob: row[id]!, dist: row } };
      const s = { id, logprob: row[id]!, dist: row };
      steps.push(s);
      seq.push(id);
      onStep(s);
      text += tokenText(id);
      const word = hitStop();
      if (word) return { steps, reason: 'stop', stopWord: word };
    }
    return { steps, reason: 'length', stopWord: '' };
  }

  // ---- vLLM ---------------------------------------------------------------------------------------

  const vllmToken = (id: number, asIds: boolean) => (asIds ? `token_id:${id}` : tokenText(id));
  /** vLLM's `top_logprobs` entry: the top k, the listed ids, and the chosen token itself. */
  function vllmTop(chosen: { id: number; logprob: number }, row: Float32Array | null, k: number, listed: number[], asIds: boolean): Record<string, number> {
    const out: Record<string, number> = {};
    if (row) {
      for (const id of topIds(row, k)) out[vllmToken(id, asIds)] = row[id]!;
      for (const id of listed) if (id >= 0 && id < row.length) out[vllmToken(id, asIds)] = row[id]!;
    }
    out[vllmToken(chosen.id, asIds)] = chosen.logprob;
    return out;
  }

  interface PromptRow {
    /** The prompt token this row predicts, its logprob and rank. */
    id: number;
    logprob: number;
    rank: number;
    /** The most probable tokens, best first. */
    top: Array<{ id: number; logprob: number }>;
    /** The whole distribution (when listed ids or more than `scoredTopK` alternatives are asked for). */
    row: Float32Array | null;
  }

  /**
   * Row r predicts prompt token r+1 with the top `k` alternatives: one pass over the prompt
   * through the engine's batched scoring, or, for listed ids or very large k, whole distributions
   * one position at a time.
   */
  async function promptRows(promptIds: number[], k: number, wholeRows: boolean, signal: AbortSignal): Promise<PromptRow[]> {
    checkIds(promptIds);
    if (!wholeRows && k <= scoredTopK) {
      const scored = await engine.score(promptIds, { topK: k, prependBos: false, signal, priority: 'background' });
      return scored.tokens.map((t) => ({ id: t.id, logprob: t.logprob, rank: t.rank, top: t.top.map(({ id, logprob }) => ({ id, logprob })), row: null }));
    }
    const rows: PromptRow[] = [];
    for (let r = 1; r < promptIds.length; r++) {
      const row = await nextLogprobs(promptIds.slice(0, r), { signal, priority: 'background' });
      const id = promptIds[r]!;
      rows.push({ id, logprob: row[id]!, rank: rankOf(row, id), top: topIds(row, k).map((t) => ({ id: t, logprob: row[t]! })), row });
    }
    return rows;
  }

  async function vllmCompletions(body: Record<string, unknown>, res: ServerResponse, signal: AbortSignal): Promise<void> {
    if (body.suffix !== undefined && body.suffix !== null) throw bad('suffix is not currently supported');
    if (body.model !== undefined && body.model !== name) throw new HttpFailure(404, `The model \`${String(body.model)}\` does not exist.`, 'NotFoundError');
    const all = prompts(body.prompt);
    const logprobs = body.logprobs === undefined || body.logprobs === null ? null : int(body.logprobs, 'logprobs', 0);
    const promptLogprobs = body.prompt_logprobs === undefined || body.prompt_logprobs === null ? null : int(body.prompt_logprobs, 'prompt_logprobs', 0);
    for (const [k, v] of [['logprobs', logprobs], ['prompt_logprobs', promptLogprobs]] as const)
      if (v !== null && (v < -1 || (maxLogprobs !== -1 && (v === -1 || v > maxLogprobs)))) throw bad(`Requested ${k} of ${v}, which is greater than max allowed: ${maxLogprobs}`);
    const listed = ids(body.logprob_token_ids, 'logprob_token_ids');
    checkIds(listed);
    const asIds = body.return_tokens_as_token_ids === true;
    const echo = body.echo === true;
    const stream = body.stream === true;
    const maxTokens = int(body.max_tokens, 'max_tokens', 16);
    const stopIds = new Set([...ids(body.stop_token_ids, 'stop_token_ids'), ...(body.ignore_eos === true ? [] : eos)]);
    const base = {
      maxTokens,
      temperature: num(body.temperature, 'temperature', 1),
      topK: int(body.top_k, 'top_k', -1),
      topP: num(body.top_p, 'top_p', 1),
      seed: body.seed === undefined || body.seed === null ? undefined : int(body.seed, 'seed', 0),
      stopIds,
      stopStrings: strings(body.stop, 'stop'),
      logprobs,
      listed,
      streamed: stream,
    };
    const id = `cmpl-${Math.random().toString(16).slice(2)}`;
    const k = (v: number) => (v === -1 ? vocab : v);
    const logprobsOf = (steps: Step[], offset0: number) => {
      let offset = offset0;
      const lp = { text_offset: [] as number[], token_logprobs: [] as number[], tokens: [] as string[], top_logprobs: [] as Array<Record<string, number>> };
      for (const s of steps) {
        lp.tokens.push(vllmToken(s.id, asIds));
        lp.token_logprobs.push(s.logprob!);
        lp.top_logprobs.push(vllmTop({ id: s.id, logprob: s.logprob! }, s.dist, k(logprobs!), listed, asIds));
        lp.text_offset.push(offset);
        offset += tokenText(s.id).length;
      }
      return lp;
    };
    if (stream) {
      if (all.length !== 1) throw bad('streaming takes one prompt');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const chunk = (choice: Record<string, unknown>) => res.write(`data: ${JSON.stringify({ id, object: 'text_completion', created, model: name, choices: [choice] })}\n\n`);
      // text_offset counts from the start of the completion, across chunks.
      let offset = 0;
      const text = streamedText(tokenBytes);
      const r = await generate({ ids: all[0]!, ...base }, signal, (s) => {
        const delta = text(s.id);
        chunk({ index: 0, text: delta, logprobs: logprobs === null ? null : logprobsOf([s], offset), finish_reason: null, stop_reason: null });
        offset += delta.length;
      });
      chunk({ index: 0, text: '', logprobs: null, finish_reason: r.reason, stop_reason: r.stopWord || null });
      res.end('data: [DONE]\n\n');
      return;
    }
    const choices = [];
    let promptTokens = 0;
    let completionTokens = 0;
    for (let i = 0; i < all.length; i++) {
      const promptIds = all[i]!;
      promptTokens += promptIds.length;
      let pl: Array<Record<string, { logprob: number; rank: number; decoded_token: string }> | null> | null = null;
      let echoLp: ReturnType<typeof logprobsOf> | null = null;
      if (promptLogprobs !== null || (echo && logprobs !== null)) {
        const echoK = echo && logprobs !== null ? k(logprobs) : 0;
        const rows = await promptRows(promptIds, Math.max(promptLogprobs === null ? 0 : k(promptLogprobs), echoK), echoK > 0 && listed.length > 0, signal);
        if (promptLogprobs !== null) {
          pl = [null];
          for (const row of rows) {
            const entry: Record<string, { logprob: number; rank: number; decoded_token: string }> = {};
            entry[String(row.id)] = { logprob: row.logprob, rank: row.rank, decoded_token: tokenText(row.id) };
            // Within the top k a token's rank is one more than the entries above it.
            for (const t of row.top.slice(0, k(promptLogprobs))) entry[String(t.id)] = { logprob: t.logprob, rank: 1 + row.top.filter((o) => o.logprob > t.logprob).length, decoded_token: tokenText(t.id) };
            pl.push(entry);
          }
        }
        if (echo && logprobs !== null) {
          echoLp = { text_offset: [0], token_logprobs: [null as unknown as number], tokens: [vllmToken(promptIds[0]!, asIds)], top_logprobs: [null as unknown as Record<string, number>] };
          let offset = tokenText(promptIds[0]!).length;
          for (const row of rows) {
            const top: Record<string, number> = {};
            for (const t of row.top.slice(0, echoK)) top[vllmToken(t.id, asIds)] = t.logprob;
            for (const id of listed) if (row.row && id >= 0 && id < vocab) top[vllmToken(id, asIds)] = row.row[id]!;
            echoLp.tokens.push(vllmToken(row.id, asIds));
            echoLp.token_logprobs.push(row.logprob);
            echoLp.top_logprobs.push(top);
            echoLp.text_offset.push(offset);
            offset += tokenText(row.id).length;
          }
        }
      }
      const r = maxTokens > 0 ? await generate({ ids: promptIds, ...base }, signal, () => {}) : { steps: [], reason: 'length' as const, stopWord: '' };
      completionTokens += r.steps.length;
      const generatedText = tok.decode(r.steps.map((s) => s.id));
      const promptText = echo ? tok.decode(promptIds) : '';
      let lp: ReturnType<typeof logprobsOf> | null = logprobs === null ? null : logprobsOf(r.stopStep ? [...r.steps, r.stopStep] : r.steps, promptText.length);
      if (echoLp && lp) lp = { text_offset: [...echoLp.text_offset, ...lp.text_offset], token_logprobs: [...echoLp.token_logprobs, ...lp.token_logprobs], tokens: [...echoLp.tokens, ...lp.tokens], top_logprobs: [...echoLp.top_logprobs, ...lp.top_logprobs] };
      choices.push({ index: i, text: promptText + generatedText, logprobs: lp, finish_reason: r.reason, stop_reason: r.stopWord || null, prompt_logprobs: pl });
    }
    sendJson(res, 200, { id, object: 'text_completion', created, model: name, choices, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens + completionTokens, completion_tokens: completionTokens } });
  }

  // ---- llama.cpp ------------------------------------------------------------------------------------

  async function llamaCompletion(body: Record<string, unknown>, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const all = prompts(body.prompt ?? '');
    const nProbs = Math.min(int(body.n_probs, 'n_probs', 0), vocab); // clamped to the vocabulary
    // README: with post_sampling_probs the entries carry `prob` / `top_probs` (0..1, after the
    // sampler chain; fewer than n_probs when the chain keeps fewer) instead of `logprob` / `top_logprobs`.
    const postSampling = body.post_sampling_probs === true;
    const stream = body.stream === true;
    const returnTokens = body.return_tokens === true;
    const nPredict = int(body.n_predict, 'n_predict', -1);
    const base = (promptIds: number[]): Gen => ({
      ids: promptIds,
      maxTokens: nPredict < 0 ? info.maxContext - promptIds.length : nPredict,
      temperature: num(body.temperature, 'temperature', 0.8),
      topK: int(body.top_k, 'top_k', 40),
      topP: num(body.top_p, 'top_p', 0.95),
      seed: body.seed === undefined || body.seed === null || body.seed === -1 ? undefined : int(body.seed, 'seed', 0),
      stopIds: new Set(body.ignore_eos === true ? [] : eos),
      stopStrings: strings(body.stop, 'stop'),
      logprobs: nProbs > 0 ? nProbs : null,
      listed: [],
      streamed: stream,
    });
    const sampler = base([]);
    const entry = (t: number) => ({ id: t, token: tokenText(t), bytes: tokenBytes(t) });
    /** A step without its distribution is greedy with one alternative asked for: the chosen token is the top one. */
    const probsOf = (s: Step) => {
      if (postSampling) {
        const candidates = s.dist ? samplerCandidates(s.dist, sampler) : [{ id: s.id, p: 1 }];
        return { ...entry(s.id), prob: candidates.find((c) => c.id === s.id)?.p ?? 0, top_probs: candidates.slice(0, nProbs).map((c) => ({ ...entry(c.id), prob: c.p })) };
      }
      const top = s.dist ? topIds(s.dist, nProbs).map((t) => ({ ...entry(t), logprob: s.dist![t]! })) : [{ ...entry(s.id), logprob: s.logprob! }];
      return { ...entry(s.id), logprob: s.logprob!, top_logprobs: top };
    };
    const settings = { n_ctx: info.maxContext, n_predict: nPredict, model: name, temperature: sampler.temperature, top_k: sampler.topK, top_p: sampler.topP, n_probs: nProbs, post_sampling_probs: postSampling };
    const final = (index: number, promptIds: number[], r: Awaited<ReturnType<typeof generate>>, ms: { prompt: number; total: number }, content: string) => ({
      index,
      content,
      ...(returnTokens || !stream ? { tokens: returnTokens ? r.steps.map((s) => s.id) : [] } : {}),
      id_slot: 0,
      stop: true,
      model: name,
      tokens_predicted: r.steps.length,
      tokens_evaluated: promptIds.length,
      generation_settings: settings,
      prompt: tok.decode(promptIds),
      has_new_line: content.includes('\n'),
      truncated: false,
      stop_type: r.stopWord ? 'word' : r.reason === 'length' ? 'limit' : 'eos',
      stopping_word: r.stopWord,
      tokens_cached: promptIds.length + r.steps.length,
      timings: { prompt_n: promptIds.length, prompt_ms: ms.prompt, predicted_n: r.steps.length, predicted_ms: ms.total - ms.prompt, predicted_per_second: r.steps.length / Math.max(1e-3, (ms.total - ms.prompt) / 1000) },
      ...(nProbs > 0 && !stream ? { completion_probabilities: (r.stopStep ? [...r.steps, r.stopStep] : r.steps).map(probsOf) } : {}),
    });
    if (stream) {
      if (all.length !== 1) throw bad('streaming takes one prompt');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const t0 = performance.now();
      let first = -1;
      let n = 0;
      const text = streamedText(tokenBytes);
      const r = await generate(base(all[0]!), signal, (s) => {
        if (first < 0) first = performance.now() - t0;
        n++;
        const event = { index: 0, content: text(s.id), tokens: [s.id], stop: false, id_slot: 0, tokens_predicted: n, tokens_evaluated: all[0]!.length, ...(nProbs > 0 ? { completion_probabilities: [probsOf(s)] } : {}) };
        res.write(`data: ${JSON.stringify(event)}\n\n`);
      });
      const total = performance.now() - t0;
      res.end(`data: ${JSON.stringify({ ...final(0, all[0]!, r, { prompt: Math.max(0, first), total }, ''), tokens: [] })}\n\n`);
      return;
    }
    const results = [];
    for (let i = 0; i < all.length; i++) {
      const t0 = performance.now();
      const r = await generate(base(all[i]!), signal, () => {});
      const total = performance.now() - t0;
      results.push(final(i, all[i]!, r, { prompt: 0, total }, tok.decode(r.steps.map((s) => s.id))));
    }
    sendJson(res, 200, Array.isArray(body.prompt) && all.length > 1 ? results : results[0]);
  }

  /**
   * `/infill` (llama.cpp tools/server/README.md): with FIM_REP and FIM_SEP tokens the repo-level
   * pattern `<FIM_REP>myproject\n<FIM_SEP>{filename}\n{text}…<FIM_SEP>filename\n<FIM_PRE>…`,
   * otherwise `[input_extra]<FIM_PRE>[input_prefix]<FIM_SUF>[input_suffix]<FIM_MID>[prompt]`.
   * The prompt keeps the end of the prefix and the start of the suffix when it must be cut.
   */
  const fimId = (...names: string[]) => names.map((n) => tok.specialId(n)).find((id): id is number => id !== undefined);
  const fim = {
    pre: fimId('<|fim_prefix|>', '<fim_prefix>', '<PRE>', '<｜fim▁begin｜>', '<fim-prefix>'),
    suf: fimId('<|fim_suffix|>', '<fim_suffix>', '<SUF>', '<｜fim▁hole｜>', '<fim-suffix>'),
    mid: fimId('<|fim_middle|>', '<fim_middle>', '<MID>', '<｜fim▁end｜>', '<fim-middle>'),
    rep: fimId('<|repo_name|>', '<reponame>'),
    sep: fimId('<|file_sep|>', '<file_sep>'),
  };
  async function llamaInfill(body: Record<string, unknown>, res: ServerResponse, signal: AbortSignal): Promise<void> {
    if (fim.pre === undefined || fim.suf === undefined || fim.mid === undefined) throw bad('Infill is not supported by this model: prefix, suffix or middle token is missing');
    const text = (v: unknown, name: string): string => {
      if (v === undefined || v === null) return '';
      if (typeof v !== 'string') throw bad(`"${name}" must be a string`);
      return v;
    };
    const prefix = text(body.input_prefix, 'input_prefix');
    const suffix = text(body.input_suffix, 'input_suffix');
    const after = text(body.prompt, 'prompt');
    if (body.input_extra !== undefined && !Array.isArray(body.input_extra)) throw bad('"input_extra" must be an array of {"filename": string, "text": string}');
    const extra: number[] = [];
    const repo = fim.rep !== undefined && fim.sep !== undefined;
    if (repo) extra.push(fim.rep!, ...tok.encodeText('myproject\n'));
    for (const chunk of (body.input_extra as unknown[] | undefined) ?? []) {
      if (!chunk || typeof chunk !== 'object') throw bad('"input_extra" must be an array of {"filename": string, "text": string}');
      const c = chunk as { filename?: unknown; text?: unknown };
      if ((c.text !== undefined && typeof c.text !== 'string') || (c.filename !== undefined && typeof c.filename !== 'string')) throw bad('"input_extra" must be an array of {"filename": string, "text": string}');
      if (repo) extra.push(fim.sep!, ...tok.encodeText(`${(c.filename as string | undefined) ?? 'tmp'}\n`));
      extra.push(...tok.encodeText((c.text as string | undefined) ?? ''));
    }
    if (repo) extra.push(fim.sep!, ...tok.encodeText('filename\n'));
    let pre = tok.encodeText(prefix);
    let suf = tok.encodeText(suffix);
    const mid = tok.encodeText(after);
    const nPredict = int(body.n_predict, 'n_predict', -1);
    const room = info.maxContext - Math.max(0, nPredict < 0 ? Math.floor(info.maxContext / 4) : nPredict) - 3 - mid.length;
    // Prefix first (three quarters of the room), then the suffix, then the extra context.
    pre = pre.slice(Math.max(0, pre.length - Math.max(0, Math.floor((room * 3) / 4))));
    suf = suf.slice(0, Math.max(0, room - pre.length));
    const extraKept = extra.slice(Math.max(0, extra.length - Math.max(0, room - pre.length - suf.length)));
    const ids = [...extraKept, fim.pre, ...pre, fim.suf, ...suf, fim.mid, ...mid];
    return llamaCompletion({ ...body, prompt: ids }, res, signal);
  }

  // ---- routing ------------------------------------------------------------------------------------

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  async function route(req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const method = req.method ?? 'GET';
    if (path === '/health') return sendJson(res, 200, { status: 'ok' });
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) throw new HttpFailure(401, 'Invalid API Key', 'authentication_error');
    if (method === 'GET' && (path === '/v1/models' || path === '/models'))
      return sendJson(res, 200, {
        object: 'list',
        data: [
          {
            id: name,
            object: 'model',
            created,
            owned_by: 'tokenwise',
            root: name,
            parent: null,
            max_model_len: info.maxContext,
            meta: { vocab_type: 2, n_vocab: vocab, n_ctx_train: info.maxContext },
          },
        ],
      });
    if (method === 'GET' && path === '/props')
      return sendJson(res, 200, {
        default_generation_settings: { n_ctx: info.maxContext, model: name, n_predict: -1, temperature: 0.8, top_k: 40, top_p: 0.95 },
        total_slots: 1,
        model_path: info.location,
        chat_template: templateSource(tok.config.chat_template) ?? '',
        build_info: 'tokenwise serve',
      });
    if (method !== 'POST') throw new HttpFailure(404, `Not found: ${method} ${path}`, 'NotFoundError');
    const body = await readBody(req);
    switch (path) {
      case '/v1/completions':
        return vllmCompletions(body, res, signal);
      case '/v1/chat/completions':
        return chatCompletions(body, res, signal, {
          name,
          created,
          chatTemplate: tok.config.chat_template,
          bosToken: info.bosTokenId !== null ? tok.decode([info.bosTokenId]) : '',
          eosToken: eos.length ? tok.decode([eos[0]!]) : '',
          encode: encodePrompt,
          decode: (list) => tok.decode(list),
          maxContext: info.maxContext,
          generate: async (promptIds, o, sig, onToken) => {
            const g = { ids: promptIds, maxTokens: o.maxTokens, temperature: o.temperature, topK: -1, topP: o.topP, seed: o.seed, stopIds: new Set(eos), stopStrings: o.stop, logprobs: null, listed: [], streamed: true };
            const r = await generate(g, sig, (step) => onToken(step.id));
            return { ids: r.steps.map((step) => step.id), reason: r.reason, stopWord: r.stopWord };
          },
          sendJson,
          fail: (message, status = 400) => new HttpFailure(status, message, status === 404 ? 'NotFoundError' : 'BadRequestError'),
        });
      case '/completion':
      case '/completions':
        return llamaCompletion(body, res, signal);
      case '/infill':
        return llamaInfill(body, res, signal);
      case '/tokenize': {
        if (typeof body.content === 'string') {
          // llama.cpp: {content, add_special, with_pieces} → {tokens}
          const list = body.parse_special === false ? tok.encodeText(body.content) : encodePrompt(body.content);
          if (body.add_special === true && info.bosTokenId !== null) list.unshift(info.bosTokenId);
          if (body.with_pieces !== true) return sendJson(res, 200, { tokens: list });
          return sendJson(res, 200, {
            tokens: list.map((tid) => {
              const bytes = Uint8Array.from(tokenBytes(tid));
              try {
                return { id: tid, piece: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
              } catch {
                return { id: tid, piece: Array.from(bytes) };
              }
            }),
          });
        }
        if (typeof body.prompt === 'string') {
          // vLLM: {model, prompt, add_special_tokens, return_token_strs} → {count, max_model_len, tokens, token_strs}
          const list = encodePrompt(body.prompt);
          return sendJson(res, 200, { count: list.length, max_model_len: info.maxContext, tokens: list, token_strs: body.return_token_strs === true ? list.map((tid) => vocabStrings[tid] ?? tokenText(tid)) : null });
        }
        throw bad('tokenize needs `prompt` (vLLM) or `content` (llama.cpp)');
      }
      case '/detokenize': {
        const list = ids(body.tokens, 'tokens');
        checkIds(list);
        const text = tok.decode(list);
        // vLLM answers {prompt}, llama.cpp {content}: both fields, each client reads its own.
        return sendJson(res, 200, { prompt: text, content: text });
      }
      default:
        throw new HttpFailure(404, `Not found: POST ${path}`, 'NotFoundError');
    }
  }

  const sockets = new Set<import('node:net').Socket>();
  const server: Server = createServer((req, res) => {
    const t0 = performance.now();
    const controller = new AbortController();
    // The client closing the connection cancels the request (the engine stops at its next step).
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    route(req, res, controller.signal)
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        const failure = error instanceof HttpFailure ? error : error instanceof TokenwiseError && error.kind === 'input' ? bad(error.message) : new HttpFailure(500, describeError(error), 'InternalServerError');
        if (res.headersSent) {
          res.end(`data: ${JSON.stringify({ error: { code: failure.status, message: failure.message, type: failure.type } })}\n\n`);
          return;
        }
        sendJson(res, failure.status, { error: { code: failure.status, message: failure.message, type: failure.type } });
      })
      .finally(() => log(`${req.method} ${(req.url ?? '').split('?')[0]} ${res.statusCode} ${(performance.now() - t0).toFixed(0)} ms`));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
