/**
 * `RemoteBackend`: any server kind as an `InferenceBackend`. The optional methods exist exactly
 * when the probe found the capability (the full distribution, logprobs of listed ids), and
 * `info().capabilities` says the same, so features degrade the way they do for any backend.
 */
import { CancelledError, TokenwiseError } from '../../base/errors';
import type { ModelTokenizer } from '../../model/tokenizer';
import type {
  TextGenerateOptions,
  TextGenerateResult,
  GenerateOptions,
  GenerateResult,
  InferenceBackend,
  ModelInfo,
  ModelTokenSpan,
  RequestOptions,
  ScoredToken,
  ScoreOptions,
  ScoreResult,
  TopToken,
} from '../types';
import { tokenEndsFromBytes } from './tokenEnds';
import type { LogprobQuery, RemoteGeneration, RemoteServer, ServerProbe } from './types';

export interface RemoteBackendOptions {
  server: RemoteServer;
  probe: ServerProbe;
  url: string;
  /** The served model's tokenizer, when the user points to its tokenizer.json (checked against the server). */
  tokenizer: ModelTokenizer | null;
  tokenizerPath: string | null;
  /** Vocabulary (logits) size: the larger of the server's and the tokenizer's. */
  vocabSize: number;
  maxContext: number;
  bosTokenId: number | null;
  eosTokenIds: number[];
}

/** Positions per distribution request when scoring without prompt logprobs. */
const scoreBatch = 32;

function statsOf(row: Float32Array, id: number, k: number, text: (id: number) => string): ScoredToken {
  const logprob = row[id] ?? Number.NEGATIVE_INFINITY;
  let entropy = 0;
  let rank = 1;
  for (let i = 0; i < row.length; i++) {
    const lp = row[i]!;
    if (lp === Number.NEGATIVE_INFINITY) continue;
    entropy -= Math.exp(lp) * lp;
    if (lp > logprob) rank++;
  }
  const top: TopToken[] = Array.from(row.keys())
    .sort((a, b) => row[b]! - row[a]!)
    .slice(0, k)
    .map((t) => ({ id: t, text: text(t), logprob: row[t]! }));
  return { id, logprob, entropy, rank, top };
}

export class RemoteBackend implements InferenceBackend {
  private readonly modelInfo: ModelInfo;
  private readonly server: RemoteServer;
  private readonly tokenizer: ModelTokenizer | null;
  private readonly closed = new AbortController();
  readonly nextLogprobs?: (ids: readonly number[], options?: RequestOptions) => Promise<Float32Array>;
  readonly tokenLogprobs?: (ids: readonly number[], candidates: readonly number[], options?: RequestOptions) => Promise<number[]>;
  readonly batchLogprobs?: (queries: readonly LogprobQuery[], options?: RequestOptions) => Promise<Float32Array[]>;
  readonly infillText?: InferenceBackend['infillText'];

  constructor(private readonly options: RemoteBackendOptions) {
    const { probe, server } = options;
    this.server = server;
    this.tokenizer = options.tokenizer;
    const distribution = probe.distribution && !!server.distributions;
    const listed = (probe.candidates && !!server.sparse) || distribution;
    this.modelInfo = {
      name: probe.model,
      location: options.url,
      isDefault: false,
      backend: 'remote',
      provider: 'remote',
      modelType: server.kind,
      vocabSize: options.vocabSize,
      maxContext: options.maxContext,
      bosTokenId: options.bosTokenId,
      eosTokenIds: options.eosTokenIds,
      tokenizer: options.tokenizer && options.tokenizerPath ? { kind: 'tokenizer.json', path: options.tokenizerPath } : { kind: 'server' },
      capabilities: {
        distribution,
        tokenLogprobs: listed,
        entropy: probe.entropy,
        exactRank: probe.exactRank,
        maxTopK: probe.maxTopK,
        candidateScoring: false,
        prefixCache: probe.prefixCache,
        generationLogprobs: probe.generationLogprobs === true,
      },
      details: { ...probe.details, server: `${probe.details.server ?? server.kind}`, notes: probe.notes.join('; ') },
    };
    if (distribution) {
      this.nextLogprobs = async (ids, o) => (await this.server.distributions!([this.contextFor(ids, 1)], options.vocabSize, this.signal(o)))[0]!;
    }
    if (probe.infill && server.infill) {
      this.infillText = async (parts, o) => {
        const r = await this.server.infill!(parts, {
          maxNewTokens: Math.max(1, Math.floor(o.maxNewTokens)),
          stopTokenIds: this.options.eosTokenIds,
          stopStrings: o.stopStrings,
          ...(o.sampling ? { sampling: o.sampling } : {}),
          ...(this.wantsLogprobs(o) ? { logprobs: true } : {}),
          signal: this.signal(o),
        });
        return textResult(r, this.wantsLogprobs(o));
      };
    }
    if (listed) {
      this.batchLogprobs = (queries, o) => this.batch(queries, o);
      this.tokenLogprobs = async (ids, candidates, o) => {
        const [row] = await this.batch([{ tokens: ids, candidates, topK: 1 }], o);
        return candidates.map((c) => row![c] ?? Number.NEGATIVE_INFINITY);
      };
    }
  }

  /** Text generation asked for logprobs and the probe found the server gives them. */
  private wantsLogprobs(o: TextGenerateOptions): boolean {
    return o.logprobs === true && this.modelInfo.capabilities.generationLogprobs === true;
  }

  /** The probe's notes (what degrades and why). */
  get notes(): readonly string[] {
    return this.options.probe.notes;
  }

  private signal(o?: RequestOptions): AbortSignal {
    if (this.closed.signal.aborted) throw new TokenwiseError('model', 'The remote backend was closed.');
    return o?.signal ? AbortSignal.any([o.signal, this.closed.signal]) : this.closed.signal;
  }

  private contextFor(ids: readonly number[], reserve: number): number[] {
    const vocab = this.options.vocabSize;
    for (const id of ids) if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new TokenwiseError('input', `Token id ${id} is outside the model's vocabulary (0..${vocab - 1}).`);
    if (ids.length === 0) {
      if (this.options.bosTokenId === null) throw new TokenwiseError('input', 'An empty prompt needs a model with a BOS token.');
      return [this.options.bosTokenId];
    }
    const max = Math.max(1, this.options.maxContext - reserve);
    return ids.length > max ? ids.slice(ids.length - max) : [...ids];
  }

  private async batch(queries: readonly LogprobQuery[], o?: RequestOptions): Promise<Float32Array[]> {
    const signal = this.signal(o);
    const vocab = this.options.vocabSize;
    const qs = queries.map((q) => ({ ...q, tokens: this.contextFor(q.tokens, 1) }));
    if (this.options.probe.candidates && this.server.sparse) return this.server.sparse(qs, vocab, signal);
    return this.server.distributions!(qs.map((q) => q.tokens), vocab, signal);
  }

  private bytesIndex: Map<string, number> | null = null;
  /** The tokenizer's id for a token's bytes (built once, on first use). */
  private idOfBytes(bytes: Uint8Array): number | undefined {
    if (!this.tokenizer) return undefined;
    if (!this.bytesIndex) {
      this.bytesIndex = new Map();
      for (let id = this.tokenizer.vocabSize - 1; id >= 0; id--) {
        const b = this.tokenizer.tokenBytes(id);
        if (b) this.bytesIndex.set(String.fromCharCode(...b), id);
      }
    }
    return this.bytesIndex.get(String.fromCharCode(...bytes));
  }

  private text(id: number): string {
    return this.tokenizer ? this.tokenizer.tokenText(id) : '';
  }

  async info(): Promise<ModelInfo> {
    return this.modelInfo;
  }

  async tokenize(text: string): Promise<ModelTokenSpan[]> {
    if (this.tokenizer) return this.tokenizer.spans(text);
    if (!this.server.tokenize) throw new TokenwiseError('model', `The ${this.server.kind} server has no tokenize endpoint: set tokenwise.remote.tokenizerPath to the model's tokenizer.json.`);
    const { ids, pieces } = await this.server.tokenize(text, this.signal());
    if (!pieces) throw new TokenwiseError('model', `The ${this.server.kind} server's /tokenize gives no token pieces: set tokenwise.remote.tokenizerPath to the model's tokenizer.json.`);
    return spansFromPieces(text, ids, pieces);
  }

  async detokenize(ids: readonly number[]): Promise<string> {
    if (this.tokenizer) return this.tokenizer.decode(ids);
    if (!this.server.detokenize) throw new TokenwiseError('model', `The ${this.server.kind} server has no detokenize endpoint: set tokenwise.remote.tokenizerPath.`);
    return this.server.detokenize(ids, this.signal());
  }

  async score(ids: readonly number[], options: ScoreOptions = {}): Promise<ScoreResult> {
    const signal = this.signal(options);
    const k = Math.min(options.topK ?? 5, Math.max(1, this.modelInfo.capabilities.maxTopK));
    const bos = options.prependBos === false ? null : this.options.bosTokenId;
    const seq = bos !== null ? [bos, ...ids] : [...ids];
    this.contextFor(seq, 0);
    const n = seq.length;
    const rows: ScoredToken[] = new Array(Math.max(0, n - 1));
    const { probe } = this.options;
    if (n > 1 && !(probe.promptLogprobs && this.server.promptLogprobs) && !this.modelInfo.capabilities.distribution)
      throw new TokenwiseError('model', `The heat map needs prompt logprobs, which the ${this.server.kind} server at ${this.options.url} does not give (${probe.notes.find((x) => /heat map/.test(x)) ?? 'no logprobs'}).`);
    // Windows of maxContext with half a window of context, as the embedded engine does.
    const W = this.options.maxContext;
    let s = 0;
    let e = Math.min(W, n);
    let need = 0;
    while (n > 1) {
      const window = seq.slice(s, e);
      if (probe.promptLogprobs && this.server.promptLogprobs) {
        const text = this.tokenizer ? this.tokenizer.decode(window) : '';
        const got = await this.server.promptLogprobs({ ids: window, text }, k, signal);
        for (let row = need; row <= e - 2; row++) {
          const g = got[row - s]!;
          rows[row] = { ...g, top: g.top.map((t) => ({ ...t, text: t.id >= 0 && this.tokenizer ? this.text(t.id) : t.text })) };
        }
      } else {
        for (let at = need; at <= e - 2; at += scoreBatch) {
          const upto = Math.min(e - 2, at + scoreBatch - 1);
          const prompts: number[][] = [];
          for (let row = at; row <= upto; row++) prompts.push(seq.slice(s, row + 1));
          const dists = await this.server.distributions!(prompts, this.options.vocabSize, signal);
          dists.forEach((d, i) => (rows[at + i] = statsOf(d, seq[at + i + 1]!, k, (t) => this.text(t))));
        }
      }
      if (e >= n) break;
      need = e - 1;
      s = e - Math.floor(W / 2);
      e = Math.min(s + W, n);
    }
    return { tokens: rows, bosPrepended: bos !== null, computedTokens: n };
  }

  async generate(ids: readonly number[], options: GenerateOptions): Promise<GenerateResult> {
    const signal = this.signal(options);
    const t0 = performance.now();
    const maxNew = Math.max(0, Math.floor(options.maxNewTokens));
    const seq = this.contextFor(ids, Math.min(maxNew, Math.floor(this.options.maxContext / 2)));
    if (maxNew === 0) return { tokens: [], text: '', finishReason: 'length', computedPromptTokens: 0, firstTokenMs: 0 };
    const stopIds = options.stopTokens ?? this.options.eosTokenIds;
    const stopStrings = this.tokenizer ? stopIds.map((id) => this.tokenizer!.decode([id])).filter((s) => s.length > 0) : [];
    const needsText = !this.options.probe.tokenPrompts;
    const text = needsText ? await this.detokenize(seq) : '';
    let streamed = 0;
    const result = await this.server.generate(
      { ids: seq, text },
      {
        maxNewTokens: maxNew,
        stopTokenIds: stopIds,
        stopStrings,
        ...(options.sampling ? { sampling: options.sampling } : {}),
        signal,
        ...(options.logprobs && this.options.probe.generationLogprobs ? { logprobs: true } : {}),
        onTokens: (fresh) => {
          for (const id of fresh) {
            if (streamed >= maxNew) return;
            streamed++;
            if (signal.aborted) throw new CancelledError();
            options.onToken?.(id);
          }
        },
      },
    );
    let tokens = result.tokens;
    let logprobs: number[] | undefined;
    if (!tokens && result.tokenBytes && result.logprobs && this.tokenizer) {
      // Text-only servers that report each token's bytes with its logprob (Ollama): the exact ids.
      const ids = result.tokenBytes.map((b) => this.idOfBytes(b));
      if (ids.every((id): id is number => id !== undefined) && this.tokenizer.decode(ids) === result.text) {
        tokens = ids;
        logprobs = result.logprobs;
        for (const id of tokens) options.onToken?.(id);
      }
    }
    if (!tokens) {
      // Text-only servers: the local tokenizer's reading of the text (a stop string is cut by the server).
      tokens = this.tokenizer ? this.tokenizer.encodeText(result.text) : this.server.tokenize ? (await this.server.tokenize(result.text, signal)).ids : [];
      for (const id of tokens) options.onToken?.(id);
    }
    if (tokens.length > maxNew) tokens = tokens.slice(0, maxNew);
    if (!logprobs && result.logprobs && result.tokens && result.logprobs.length >= tokens.length) logprobs = result.logprobs;
    return {
      ...(options.logprobs && logprobs ? { logprobs: logprobs.slice(0, tokens.length) } : {}),
      tokens,
      text: this.tokenizer ? this.tokenizer.decode(tokens) : result.text,
      finishReason: tokens.length >= maxNew ? 'length' : result.finishReason,
      computedPromptTokens: seq.length,
      firstTokenMs: Math.min(result.firstTokenMs, performance.now() - t0),
      decodeSteps: tokens.length,
    };
  }

  async generateText(prompt: string, options: TextGenerateOptions): Promise<TextGenerateResult> {
    const logprobs = this.wantsLogprobs(options);
    const result = await this.server.generate(
      { ids: [], text: prompt },
      {
        maxNewTokens: Math.max(1, Math.floor(options.maxNewTokens)),
        stopTokenIds: this.options.eosTokenIds,
        stopStrings: options.stopStrings,
        ...(options.sampling ? { sampling: options.sampling } : {}),
        ...(logprobs ? { logprobs: true } : {}),
        signal: this.signal(options),
      },
    );
    return textResult(result, logprobs);
  }

  async dispose(): Promise<void> {
    this.closed.abort();
  }
}

/**
 * A text generation as the pipeline takes it: with logprobs, where each token ends in the text
 * (from the server's events, else from the tokens' bytes); without them when the two disagree in
 * length (the gate then has no confidence rather than a wrong one).
 */
function textResult(r: RemoteGeneration, withLogprobs: boolean): TextGenerateResult {
  const out: TextGenerateResult = { text: r.text, finishReason: r.finishReason, firstTokenMs: r.firstTokenMs };
  if (!withLogprobs || !r.logprobs?.length) return out;
  const ends = r.tokenEnds ?? (r.tokenBytes ? tokenEndsFromBytes(r.tokenBytes) : undefined);
  if (!ends || ends.length !== r.logprobs.length) return out;
  return { ...out, logprobs: r.logprobs, tokenEnds: ends.map((e) => Math.min(e, r.text.length)) };
}

/** UTF-16 spans of server tokens from their byte pieces (a token that ends inside a character owns nothing of it until the character ends). */
export function spansFromPieces(text: string, ids: readonly number[], pieces: readonly Uint8Array[]): ModelTokenSpan[] {
  const bytes = new TextEncoder().encode(text);
  // byte offset → UTF-16 offset at character starts
  const toUtf16 = new Int32Array(bytes.length + 1).fill(-1);
  let u = 0;
  let b = 0;
  for (const ch of text) {
    toUtf16[b] = u;
    b += new TextEncoder().encode(ch).length;
    u += ch.length;
  }
  toUtf16[b] = u;
  const spans: ModelTokenSpan[] = [];
  let at = 0;
  let start = 0;
  for (let i = 0; i < ids.length; i++) {
    at = Math.min(bytes.length, at + pieces[i]!.length);
    let end = at;
    while (end < bytes.length && toUtf16[end] === -1) end++;
    const endU = toUtf16[end]!;
    spans.push({ id: ids[i]!, start, end: Math.max(start, endU) });
    start = Math.max(start, endU);
  }
  return spans;
}
