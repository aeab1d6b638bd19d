/**
 * The in-process ONNX engine: the first implementation of `InferenceBackend`. Owns one session,
 * the model's tokenizer, the prefix KV cache and the step scheduler. Runs wherever it is created
 * (the extension's inference worker, or in-process in the CLI).
 */
import { basename, join } from 'node:path';
import { TokenwiseError, throwIfAborted, type LogLevel } from '../../base/errors';
import type {
  BeamOptions,
  BeamResult,
  CandidateScore,
  Distribution,
  ExecutionProviderSetting,
  GenerateOptions,
  GenerateResult,
  InferenceBackend,
  ModelInfo,
  Priority,
  ProviderName,
  RequestOptions,
  ScoredToken,
  ScoreOptions,
  ScoreResult,
  ModelTokenSpan,
  TopToken,
} from '../types';
import { PrefixKvCache } from './kvCache';
import { CausalLM, type KvState } from './causalLM';
import { readModelFiles, resolveModelDir } from '../../model/modelDir';
import { createSession, releaseSession, type OrtMemoryOptions } from './ort';
import { StepScheduler } from '../scheduler';
import { pickToken, positionStats, rng, rowStats, topK, type PositionStats } from './stats';
import { ModelTokenizer } from '../../model/tokenizer';
import { beamSearch, logSoftmaxRow } from './beams';


export interface EngineOptions {
  /** Model directory; undefined/empty = the shipped model. */
  modelDir?: string;
  provider?: ExecutionProviderSetting;
  /** Intra-op threads (0 = half the cores). */
  threads?: number;
  /** Prefix KV cache budget in MB (0 disables it). */
  kvCacheMB?: number;
  /** Longest context fed to the model (default: from config / tokenizer_config). */
  maxContext?: number;
  /** Where to start looking for the shipped model (defaults to this module's directory). */
  searchFrom?: string;
  log?: (level: LogLevel, message: string) => void;
  /** ONNX Runtime memory options (default `ortMemoryOptions()`: arena and memory patterns off). */
  memory?: OrtMemoryOptions;
}

interface Job {
  priority: Priority;
  signal: AbortSignal | undefined;
}


/** Provider-unavailable lines already logged in this process (auto mode says each once). */
const announcedUnavailable = new Set<string>();

/**
 * Provider messages: with `auto`, a provider that is not available here (no CUDA libraries, no
 * Vulkan) is expected, so it is said once per process at info level; a warning only when the
 * user asked for that provider.
 */
function logProvider(log: (level: LogLevel, message: string) => void, asked: ExecutionProviderSetting, message: string): void {
  if (!/unavailable/.test(message)) return log('info', message);
  if (asked !== 'auto') return log('warn', message);
  if (announcedUnavailable.has(message)) return;
  announcedUnavailable.add(message);
  log('info', `${message} (tried because tokenwise.executionProvider is auto; the next provider is used)`);
}

/** Draft tokens verified per decoding step by prompt-lookup speculation (greedy decoding only). */
export const defaultLookahead = 4;

/**
 * Prompt-lookup draft: the tokens that followed the most recent earlier occurrence of the last
 * n-gram (n = 3, 2, 1) of `history`, at most `k`. Empty when there is no earlier occurrence.
 */
export function proposeDraft(history: readonly number[], k: number): number[] {
  const len = history.length;
  const floor = Math.max(0, len - 4096);
  for (let n = Math.min(3, len - 1); n >= 1; n--) {
    for (let j = len - n - 1; j >= floor; j--) {
      let match = true;
      for (let m = 0; m < n; m++)
        if (history[j + m] !== history[len - n + m]) {
          match = false;
          break;
        }
      if (match) return history.slice(j + n, Math.min(j + n + k, len));
    }
  }
  return [];
}

/** The embedded engine has the whole model at hand: every capability. */
const onnxCapabilities: ModelInfo['capabilities'] = {
  distribution: true,
  tokenLogprobs: true,
  entropy: true,
  exactRank: true,
  maxTopK: 100,
  candidateScoring: true,
  prefixCache: true,
  beamSearch: true,
  generationLogprobs: true,
};

function jobOf(options: RequestOptions | undefined, fallback: Priority = 'interactive'): Job {
  return { priority: options?.priority ?? fallback, signal: options?.signal };
}

function asIdList(value: number | number[] | null | undefined): number[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value.filter((v) => typeof v === 'number') : [value];
}

export class OnnxEngine implements InferenceBackend {
  readonly cache: PrefixKvCache;
  private readonly scheduler = new StepScheduler();
  private readonly chunk: number;
  private disposed = false;

  private constructor(
    private readonly model: CausalLM,
    readonly tokenizer: ModelTokenizer,
    private readonly modelInfo: ModelInfo,
    kvCacheMB: number,
  ) {
    this.cache = new PrefixKvCache(kvCacheMB * 1024 * 1024);
    // Rows of logits per prefill chunk: about 64 MB of float32 logits at most.
    this.chunk = Math.max(16, Math.min(512, Math.floor((64 * 1024 * 1024) / (4 * model.layout.vocabSize))));
  }

  static async load(options: EngineOptions = {}): Promise<OnnxEngine> {
    const log = options.log ?? (() => {});
    const { dir, isDefault, onnxFile } = resolveModelDir(options.modelDir, options.searchFrom);
    const files = readModelFiles(dir, onnxFile);
    const tokenizer = ModelTokenizer.load(dir);
    const { session, provider } = await createSession(files.onnxFile, {
      provider: options.provider ?? 'auto',
      threads: options.threads ?? 0,
      ...(options.memory ? { memory: options.memory } : {}),
      log: (m) => logProvider(log, options.provider ?? 'auto', m),
    });
    let model: CausalLM;
    try {
      model = new CausalLM(session, files.config);
      if (tokenizer.vocabSize > model.layout.vocabSize)
        throw new TokenwiseError('model', `tokenizer.json does not match the model: it has ${tokenizer.vocabSize} tokens but the model's vocabulary (logits) has ${model.layout.vocabSize}.`);
      // Ids of the model's logits without a token: vocabulary padding (Qwen3: 267 of 151,936) is
      // masked so they are never generated or ranked; more than padding is a mismatch, refused now
      // rather than at generation.
      const missing: number[] = [];
      for (let id = 0; id < model.layout.vocabSize; id++) if (!tokenizer.hasId(id)) missing.push(id);
      const padding = Math.max(128, Math.floor(model.layout.vocabSize / 100));
      if (missing.length > padding)
        throw new TokenwiseError('model', `tokenizer.json does not match the model: it has tokens for ${model.layout.vocabSize - missing.length} of the model's ${model.layout.vocabSize} ids (${missing.length} without a token; at most ${padding} would be vocabulary padding).`);
      if (missing.length) {
        model.maskIds(missing);
        log('info', `${missing.length} of the model's ${model.layout.vocabSize} ids have no token in tokenizer.json (vocabulary padding); they are never generated.`);
      }
      if (files.config.vocab_size && files.config.vocab_size !== model.layout.vocabSize)
        log('warn', `config.json vocab_size ${files.config.vocab_size} differs from the ONNX logits size ${model.layout.vocabSize}; using ${model.layout.vocabSize}.`);
    } catch (error) {
      await releaseSession(session).catch(() => {});
      throw error;
    }
    const layout = model.layout;
    const cfg = files.config;
    const tcMax = Number(tokenizer.config.model_max_length);
    let maxContext = cfg.max_position_embeddings ?? cfg.n_positions ?? 2048;
    if (Number.isFinite(tcMax) && tcMax > 0 && tcMax < 1e6) maxContext = Math.min(maxContext, tcMax);
    maxContext = Math.min(maxContext, 8192);
    if (options.maxContext) maxContext = options.maxContext;
    maxContext = Math.max(8, Math.floor(maxContext));
    const eos = asIdList(files.generationConfig.eos_token_id ?? cfg.eos_token_id);
    let bos: number | null = files.generationConfig.bos_token_id ?? cfg.bos_token_id ?? null;
    if (bos === null && typeof tokenizer.config.bos_token === 'string') bos = tokenizer.specialId(tokenizer.config.bos_token) ?? null;
    if (bos === null && eos.length) bos = eos[0]!;
    if (bos !== null && bos >= layout.vocabSize) bos = null;
    const numHeads = cfg.num_attention_heads ?? layout.kvHeads;
    const info: ModelInfo = {
      name: basename(dir),
      location: dir,
      isDefault,
      backend: 'onnx',
      provider,
      modelType: cfg.model_type ?? 'unknown',
      vocabSize: layout.vocabSize,
      maxContext,
      bosTokenId: bos,
      eosTokenIds: eos,
      tokenizer: { kind: 'tokenizer.json', path: join(dir, 'tokenizer.json') },
      capabilities: onnxCapabilities,
      details: { layers: layout.numLayers, heads: numHeads, kvHeads: layout.kvHeads, headDim: layout.headDim, kvDtype: layout.kvType, onnxFile: files.onnxFile },
    };
    log('info', `model: ${dir}${isDefault ? ' (default)' : ''} [${info.modelType}, ${layout.numLayers} layers, ${numHeads} heads / ${layout.kvHeads} KV heads, vocab ${layout.vocabSize}, ${layout.kvType} KV]`);
    return new OnnxEngine(model, tokenizer, info, options.kvCacheMB ?? 256);
  }

  get provider(): ProviderName {
    return this.modelInfo.provider as ProviderName;
  }

  async info(): Promise<ModelInfo> {
    return this.modelInfo;
  }

  get infoSync(): ModelInfo {
    return this.modelInfo;
  }

  async tokenize(text: string): Promise<ModelTokenSpan[]> {
    return this.tokenizer.spans(text);
  }

  async detokenize(ids: readonly number[]): Promise<string> {
    return this.tokenizer.decode(ids);
  }

  setCacheBudget(mb: number): void {
    this.cache.setBudget(mb * 1024 * 1024);
  }

  /** Releases the session once no step is running (a run on a released session would abort the process). */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.cache.clear();
    await this.scheduler.exclusive(() => releaseSession(this.model.session));
  }

  /**
   * Tokens per prefill step. Background work takes shorter steps, so an interactive request waits
   * at most one short step before it pre-empts it.
   */
  private chunkFor(job: Job): number {
    return job.priority === 'background' ? Math.min(this.chunk, 128) : this.chunk;
  }

  /** One model step for `job`: waits its turn, checks cancellation, fails once the engine is disposed. */
  private step<T>(job: Job, fn: () => Promise<T>): Promise<T> {
    return this.scheduler.step(job.priority, job.signal, async () => {
      if (this.disposed) throw new TokenwiseError('model', 'The model was unloaded.');
      return fn();
    });
  }

  // ---- scoring -------------------------------------------------------------------------------

  async score(ids: readonly number[], options: ScoreOptions = {}): Promise<ScoreResult> {
    const job = jobOf(options, 'background');
    const k = options.topK ?? 5;
    this.checkIds(ids);
    const bos = options.prependBos === false ? null : this.modelInfo.bosTokenId;
    const seq = bos !== null ? [bos, ...ids] : [...ids];
    const n = seq.length;
    const rows: PositionStats[] = new Array(Math.max(0, n - 1));
    let computed = 0;
    const W = this.modelInfo.maxContext;
    let s = 0;
    let e = Math.min(W, n);
    let need = 0;
    while (n > 1) {
      const r = await this.scoreWindow(seq.slice(s, e), k, need - s, job);
      computed += r.computed;
      for (let row = need; row <= e - 2; row++) rows[row] = r.stats[row - s]!;
      if (e >= n) break;
      need = e - 1;
      s = e - Math.floor(W / 2);
      e = Math.min(s + W, n);
    }
    const tokens: ScoredToken[] = rows.map((st) => this.toScored(st, k));
    return { tokens, bosPrepended: bos !== null, computedTokens: computed };
  }

  /**
   * Scores one window (≤ maxContext tokens): stats for rows `statsFrom..n-2` (row r predicts
   * seq[r+1]). Reuses the cached KV and cached stats of the longest common prefix.
   */
  private async scoreWindow(seq: number[], k: number, statsFrom: number, job: Job): Promise<{ stats: PositionStats[]; computed: number }> {
    const n = seq.length;
    const stats: PositionStats[] = new Array(n - 1);
    const hit = this.cache.lookup(seq);
    let reusedRows = 0;
    if (hit?.entry.stats && (hit.entry.statsTopK ?? 0) >= k) {
      reusedRows = Math.min(hit.common - 1, hit.entry.stats.length);
      for (let r = statsFrom; r < reusedRows; r++) stats[r] = hit.entry.stats[r]!;
    }
    const first = Math.max(statsFrom, reusedRows); // first row to compute
    const j = Math.min(hit?.common ?? 0, first, n - 1); // tokens whose KV is reused
    let kv = hit && j > 0 ? this.model.sliceKv(hit.entry.kv, j) : this.model.emptyKv;
    const vocab = this.model.layout.vocabSize;
    const chunk = this.chunkFor(job);
    for (let pos = j; pos < n; pos += chunk) {
      const end = Math.min(n, pos + chunk);
      const ids = seq.slice(pos, end);
      const wantRows = end - 1 >= first; // does this chunk produce any needed row?
      kv = await this.step(job, async () => {
        const out = await this.model.forward(ids, kv, wantRows ? 'all' : 'last');
        if (wantRows) {
          for (let r = Math.max(pos, first); r < end && r < n - 1; r++) stats[r] = positionStats(out.logits, (r - pos) * vocab, vocab, seq[r + 1]!, k);
        }
        return out.present;
      });
    }
    const complete = statsFrom === 0;
    // Cached stats count against the budget too (~48 bytes per row + 24 per alternative).
    const statsBytes = complete ? stats.length * (48 + 24 * k) : 0;
    this.cache.put(seq, kv, this.model.kvBytes(kv.length) + statsBytes, complete ? stats : undefined, k);
    return { stats, computed: n - j };
  }

  private toScored(st: PositionStats, k: number): ScoredToken {
    const top: TopToken[] = st.top.slice(0, k).map((t) => ({ id: t.id, text: this.tokenizer.tokenText(t.id), logprob: t.logprob }));
    return { id: st.id, logprob: st.logprob, entropy: st.entropy, rank: st.rank, top };
  }

  // ---- prefill / decoding -----------------------------------------------------------------------

  /** Runs `seq` reusing the cached prefix; `onLast` sees the last position's logits inside the step. */
  private async prefill(seq: readonly number[], job: Job, onLast: (logits: Float32Array) => void): Promise<{ kv: KvState; computed: number }> {
    const n = seq.length;
    const hit = this.cache.lookup(seq);
    const j = hit ? Math.min(hit.common, n - 1) : 0;
    let kv = hit && j > 0 ? this.model.sliceKv(hit.entry.kv, j) : this.model.emptyKv;
    const chunk = this.chunkFor(job);
    for (let pos = j; pos < n; pos += chunk) {
      const end = Math.min(n, pos + chunk);
      const ids = seq.slice(pos, end);
      kv = await this.step(job, async () => {
        const out = await this.model.forward(ids, kv, 'last');
        if (end === n) onLast(out.logits);
        return out.present;
      });
    }
    this.cache.put(seq, kv, this.model.kvBytes(kv.length));
    return { kv, computed: n - j };
  }

  private checkIds(ids: readonly number[]): void {
    const vocab = this.model.layout.vocabSize;
    for (const id of ids)
      if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new TokenwiseError('input', `Token id ${id} is outside the model's vocabulary (0..${vocab - 1}).`);
  }

  private contextFor(ids: readonly number[], reserve: number): number[] {
    this.checkIds(ids);
    if (ids.length === 0) {
      const bos = this.modelInfo.bosTokenId;
      if (bos === null) throw new TokenwiseError('input', 'An empty prompt needs a model with a BOS token.');
      return [bos];
    }
    const max = Math.max(1, this.modelInfo.maxContext - reserve);
    return ids.length > max ? ids.slice(ids.length - max) : [...ids];
  }

  async nextToken(ids: readonly number[], options: ScoreOptions = {}): Promise<Distribution> {
    const job = jobOf(options);
    const k = options.topK ?? 10;
    const seq = this.contextFor(ids, 1);
    const vocab = this.model.layout.vocabSize;
    let dist: Distribution = { entropy: 0, top: [] };
    await this.prefill(seq, job, (logits) => {
      const { lse, entropy } = rowStats(logits, 0, vocab);
      dist = { entropy, top: topK(logits, 0, vocab, k).map((id) => ({ id, text: this.tokenizer.tokenText(id), logprob: logits[id]! - lse })) };
    });
    return dist;
  }

  async nextLogprobs(ids: readonly number[], options: RequestOptions = {}): Promise<Float32Array> {
    const job = jobOf(options);
    const seq = this.contextFor(ids, 1);
    const vocab = this.model.layout.vocabSize;
    const out = new Float32Array(vocab);
    await this.prefill(seq, job, (logits) => {
      const { lse } = rowStats(logits, 0, vocab);
      for (let i = 0; i < vocab; i++) out[i] = logits[i]! - lse;
    });
    return out;
  }

  async tokenLogprobs(ids: readonly number[], candidates: readonly number[], options: RequestOptions = {}): Promise<number[]> {
    const all = await this.nextLogprobs(ids, options);
    return candidates.map((id) => all[id] ?? Number.NEGATIVE_INFINITY);
  }

  async generate(ids: readonly number[], options: GenerateOptions): Promise<GenerateResult> {
    const job = jobOf(options);
    const t0 = performance.now();
    const maxNew = Math.max(0, Math.floor(options.maxNewTokens));
    const seq = this.contextFor(ids, Math.min(maxNew, Math.floor(this.modelInfo.maxContext / 2)));
    const stop = new Set(options.stopTokens ?? this.modelInfo.eosTokenIds);
    const vocab = this.model.layout.vocabSize;
    const random = rng(options.sampling?.seed ?? 0x5eed);
    const sampling = options.sampling;
    let next = -1;
    // Natural-log probability of each emitted token under the model (options.logprobs).
    const logprobs: number[] | undefined = options.logprobs ? [] : undefined;
    const logprobOf = (logits: Float32Array, offset: number, id: number) => (logprobs ? logits[offset + id]! - rowStats(logits, offset, vocab).lse : 0);
    let nextLogprob = 0;
    const pre = await this.prefill(seq, job, (logits) => {
      next = pickToken(logits, 0, vocab, sampling, random);
      nextLogprob = logprobOf(logits, 0, next);
    });
    let kv = pre.kv;
    const firstTokenMs = performance.now() - t0;
    const tokens: number[] = [];
    let finishReason: GenerateResult['finishReason'] = 'length';
    const greedy = !(sampling?.temperature && sampling.temperature > 0);
    const lookahead = greedy ? Math.max(0, Math.floor(options.lookahead ?? defaultLookahead)) : 0;
    const history = [...seq];
    let steps = 0;
    /** Appends a token; false when generation is over (stop token or length). */
    const emit = (token: number, logprob: number): boolean => {
      throwIfAborted(job.signal);
      if (stop.has(token)) {
        finishReason = 'stop';
        return false;
      }
      tokens.push(token);
      logprobs?.push(logprob);
      history.push(token);
      options.onToken?.(token, logprobs ? logprob : undefined);
      return tokens.length < maxNew;
    };
    if (maxNew > 0 && emit(next, nextLogprob)) {
      while (kv.length + 1 <= this.modelInfo.maxContext) {
        // Prompt-lookup speculation (greedy only): draft the tokens that followed the latest earlier
        // occurrence of the last n-gram, verify them in the same step, keep the matching prefix.
        const room = Math.min(lookahead, maxNew - tokens.length, this.modelInfo.maxContext - kv.length - 1);
        const draft = room > 0 ? proposeDraft(history, room) : [];
        const feed = [next, ...draft];
        const before = kv.length;
        steps++;
        const step = await this.step(job, async () => {
          const out = await this.model.forward(feed, kv, draft.length ? 'all' : 'last');
          const picks: number[] = [];
          const lps: number[] = [];
          for (let r = 0; r < out.rows; r++) {
            const p = pickToken(out.logits, r * vocab, vocab, sampling, random);
            picks.push(p);
            lps.push(logprobOf(out.logits, r * vocab, p));
            if (r >= draft.length || p !== draft[r]) break;
          }
          return { present: out.present, picks, lps };
        });
        const accepted = step.picks.length - 1;
        kv = accepted === draft.length ? step.present : this.model.sliceKv(step.present, before + 1 + accepted);
        let more = true;
        for (let i = 0; i < accepted && more; i++) more = emit(draft[i]!, step.lps[i]!);
        if (!more) break;
        next = step.picks[accepted]!;
        if (!emit(next, step.lps[accepted]!)) break;
      }
    }
    // Cache what the KV state covers of prompt + output (speculation may have run a little past a stop).
    const covered = Math.min(kv.length, seq.length + tokens.length);
    if (covered > seq.length) this.cache.put([...seq, ...tokens].slice(0, covered), this.model.sliceKv(kv, covered), this.model.kvBytes(covered));
    const result: GenerateResult = { tokens, text: this.tokenizer.decode(tokens), finishReason, computedPromptTokens: pre.computed, firstTokenMs, decodeSteps: steps };
    if (logprobs) result.logprobs = logprobs;
    return result;
  }

  /**
   * Log-probabilities of candidate continuations after a shared prefix: the prefix runs once
   * (prefix cache), then the candidates run together as one right-padded batch over the tiled
   * prefix KV state (one step per group).
   */
  async scoreCandidates(prefix: readonly number[], candidates: readonly (readonly number[])[], options: RequestOptions = {}): Promise<CandidateScore[]> {
    const job = jobOf(options);
    const vocab = this.model.layout.vocabSize;
    for (const c of candidates) this.checkIds(c);
    const longest = candidates.reduce((m, c) => Math.max(m, c.length), 0);
    const seq = this.contextFor(prefix, longest);
    let lastLogp = new Float32Array(0);
    const { kv } = await this.prefill(seq, job, (logits) => {
      const { lse } = rowStats(logits, 0, vocab);
      lastLogp = new Float32Array(vocab);
      for (let i = 0; i < vocab; i++) lastLogp[i] = logits[i]! - lse;
    });
    const results: CandidateScore[] = candidates.map((c) => ({ logprob: 0, tokenLogprobs: c.length ? [lastLogp[c[0]!]!] : [] }));
    // Candidates longer than one token run as right-padded batches from the tiled prefix KV,
    // in groups that keep the logits under ~64 MB.
    const longer = candidates.map((c, i) => ({ c, i })).filter((x) => x.c.length > 1);
    const width = longer.reduce((m, x) => Math.max(m, x.c.length - 1), 0);
    const group = Math.max(1, Math.floor((64 * 1024 * 1024) / (4 * vocab * Math.max(1, width))));
    for (let g = 0; g < longer.length; g += group) {
      const batch = longer.slice(g, g + group);
      await this.step(job, async () => {
        const out = await this.model.forwardBatch(batch.map((x) => x.c.slice(0, x.c.length - 1)), kv);
        batch.forEach(({ c, i }, b) => {
          for (let r = 0; r < c.length - 1; r++) {
            const offset = (b * out.width + r) * vocab;
            const { lse } = rowStats(out.logits, offset, vocab);
            results[i]!.tokenLogprobs.push(out.logits[offset + c[r + 1]!]! - lse);
          }
        });
      });
    }
    for (const r of results) r.logprob = r.tokenLogprobs.reduce((a, b) => a + b, 0);
    return results;
  }

  /**
   * Beam search (beams.ts): the prompt runs once through the prefix cache, then the live beams
   * run as one batch per step over the tiled prefix KV. `stopSignal` ends the search early with
   * the beams so far (a time budget); `signal` cancels it.
   */
  async generateBeams(ids: readonly number[], options: BeamOptions): Promise<BeamResult> {
    const job = jobOf(options);
    const seq = this.contextFor(ids, Math.min(Math.max(0, Math.floor(options.maxNewTokens)), Math.floor(this.modelInfo.maxContext / 2)));
    const vocab = this.model.layout.vocabSize;
    let first: Float32Array = new Float32Array(vocab);
    const pre = await this.prefill(seq, job, (logits) => (first = logSoftmaxRow(logits, 0, vocab)));
    const stopTokens = new Set(options.stopTokens ?? this.modelInfo.eosTokenIds);
    const room = this.modelInfo.maxContext - seq.length;
    const { beams, steps } = await beamSearch({ model: this.model, prefix: pre.kv, first, vocab, room, stopTokens, step: (fn) => this.step(job, fn) }, options);
    return { beams, steps, computedPromptTokens: pre.computed };
  }
}
