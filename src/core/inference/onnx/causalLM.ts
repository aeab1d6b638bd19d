/**
 * One ONNX causal LM session: the layout read from the session (names, dtypes, KV shapes) and a
 * forward pass that feeds `present` outputs back as `past` without copying.
 */
import { TokenwiseError } from '../../base/errors';
import { float16ToFloat32 } from './fp16';
import type { ModelConfig } from '../../model/modelDir';
import { makeTensor, runSession, sessionMetadata, type KvData, type OrtSession, type OrtTensor, type ValueMetadata } from './ort';

export interface ModelLayout {
  numLayers: number;
  kvHeads: number;
  headDim: number;
  kvType: 'float32' | 'float16';
  logitsType: 'float32' | 'float16';
  /** Logits dimension (model vocabulary). */
  vocabSize: number;
  hasAttentionMask: boolean;
  hasPositionIds: boolean;
  hasUseCacheBranch: boolean;
  hasNumLogitsToKeep: boolean;
}

/** KV state of one sequence: tensors [1, kvHeads, length, headDim], order layer0.key, layer0.value, ... */
export interface KvState {
  readonly length: number;
  readonly tensors: readonly OrtTensor[];
}

/** KV state of several beams of equal length: tensors [batch, kvHeads, length, headDim]. */
export interface BeamKv {
  readonly length: number;
  readonly batch: number;
  readonly tensors: readonly OrtTensor[];
}

const knownInputs = new Set(['input_ids', 'attention_mask', 'position_ids', 'use_cache_branch', 'num_logits_to_keep']);

/** Reads and validates the layout; unsupported layouts get an error naming what is missing. */
export function detectLayout(inputs: readonly ValueMetadata[], outputs: readonly ValueMetadata[], config: ModelConfig): ModelLayout {
  const inNames = new Set(inputs.map((i) => i.name));
  const outNames = new Set(outputs.map((o) => o.name));
  const unsupported = (what: string) => new TokenwiseError('model', `Unsupported model layout: ${what}.`);
  if (!inNames.has('input_ids')) throw unsupported(`missing input 'input_ids' (inputs: ${[...inNames].join(', ')})`);
  if (!outNames.has('logits')) throw unsupported(`missing output 'logits' (outputs: ${[...outNames].join(', ')})`);
  if ([...inNames].some((n) => /^past_key_values\.\d+\.key_value$/.test(n)))
    throw unsupported('fused past_key_values.{i}.key_value (GPTBigCode/StarCoder1 export) is not supported');
  let numLayers = 0;
  while (inNames.has(`past_key_values.${numLayers}.key`)) numLayers++;
  if (numLayers === 0) throw unsupported("no KV-cache inputs 'past_key_values.{i}.key/value' (export the decoder with past, e.g. optimum --task text-generation-with-past)");
  for (let i = 0; i < numLayers; i++) {
    for (const kind of ['key', 'value'])
      if (!inNames.has(`past_key_values.${i}.${kind}`)) throw unsupported(`missing input 'past_key_values.${i}.${kind}'`);
    for (const kind of ['key', 'value'])
      if (!outNames.has(`present.${i}.${kind}`)) throw unsupported(`missing output 'present.${i}.${kind}'`);
  }
  const other = [...inNames].filter((n) => !knownInputs.has(n) && !/^past_key_values\.\d+\.(key|value)$/.test(n));
  if (other.length) throw unsupported(`unknown input${other.length > 1 ? 's' : ''} ${other.map((n) => `'${n}'`).join(', ')}`);
  for (const name of ['input_ids', 'attention_mask', 'position_ids']) {
    const type = inputs.find((i) => i.name === name)?.type;
    if (type !== undefined && type !== 'int64') throw unsupported(`input '${name}' has dtype '${type}' (expected int64)`);
  }
  const past = inputs.find((i) => i.name === 'past_key_values.0.key')!;
  const kvType = past.type;
  if (kvType !== 'float32' && kvType !== 'float16') throw unsupported(`KV cache dtype '${kvType ?? 'unknown'}' (expected float32 or float16)`);
  const logitsMeta = outputs.find((o) => o.name === 'logits')!;
  const logitsType = logitsMeta.type;
  if (logitsType !== 'float32' && logitsType !== 'float16') throw unsupported(`logits dtype '${logitsType ?? 'unknown'}' (expected float32 or float16)`);
  const shape = past.shape ?? [];
  const heads = config.num_attention_heads;
  const kvHeads = typeof shape[1] === 'number' ? shape[1] : (config.num_key_value_heads ?? heads);
  const headDim = typeof shape[3] === 'number' ? shape[3] : (config.head_dim ?? (config.hidden_size && heads ? config.hidden_size / heads : undefined));
  if (!kvHeads || !headDim) throw unsupported('KV head count / head size unknown (not in the ONNX shapes nor in config.json)');
  const vocabDim = logitsMeta.shape?.[2];
  const vocabSize = typeof vocabDim === 'number' ? vocabDim : config.vocab_size;
  if (!vocabSize) throw unsupported('vocabulary size unknown (not in the logits shape nor config.vocab_size)');
  return {
    numLayers,
    kvHeads,
    headDim,
    kvType,
    logitsType,
    vocabSize,
    hasAttentionMask: inNames.has('attention_mask'),
    hasPositionIds: inNames.has('position_ids'),
    hasUseCacheBranch: inNames.has('use_cache_branch'),
    hasNumLogitsToKeep: inNames.has('num_logits_to_keep'),
  };
}

export interface ForwardResult {
  /** Row-major [rows, vocab] float32 logits. Valid until the next forward call. */
  logits: Float32Array;
  rows: number;
  present: KvState;
}

export class CausalLM {
  readonly layout: ModelLayout;
  private readonly empty: KvState;
  private readonly pastNames: string[];
  private readonly presentNames: string[];
  private ones = new BigInt64Array(0);
  private readonly oneId = new BigInt64Array(1);
  private readonly onePos = new BigInt64Array(1);
  private logitsScratch = new Float32Array(0);
  /** Ids whose logits are set to -Infinity in every row (ids the tokenizer has no token for). */
  private masked = new Int32Array(0);
  private readonly keepLast: OrtTensor;
  private readonly keepAll: OrtTensor;
  private readonly cacheBranchTrue: OrtTensor;
  private readonly cacheBranchFalse: OrtTensor;

  constructor(
    readonly session: OrtSession,
    config: ModelConfig,
  ) {
    const meta = sessionMetadata(session);
    this.layout = detectLayout(meta.inputs, meta.outputs, config);
    const { numLayers, kvHeads, headDim, kvType } = this.layout;
    this.pastNames = [];
    this.presentNames = [];
    for (let i = 0; i < numLayers; i++)
      for (const kind of ['key', 'value']) {
        this.pastNames.push(`past_key_values.${i}.${kind}`);
        this.presentNames.push(`present.${i}.${kind}`);
      }
    const emptyTensor = kvType === 'float16' ? makeTensor('float16', new Uint16Array(0), [1, kvHeads, 0, headDim]) : makeTensor('float32', new Float32Array(0), [1, kvHeads, 0, headDim]);
    this.empty = { length: 0, tensors: this.pastNames.map(() => emptyTensor) };
    this.keepLast = makeTensor('int64', BigInt64Array.of(1n), []);
    this.keepAll = makeTensor('int64', BigInt64Array.of(0n), []);
    this.cacheBranchTrue = makeTensor('bool', Uint8Array.of(1), [1]);
    this.cacheBranchFalse = makeTensor('bool', Uint8Array.of(0), [1]);
  }

  /** Never produce these ids: their logits become -Infinity in every returned row. */
  maskIds(ids: readonly number[]): void {
    this.masked = Int32Array.from(ids);
  }

  private applyMask(logits: Float32Array, rows: number): void {
    if (this.masked.length === 0) return;
    const vocab = this.layout.vocabSize;
    for (let r = 0; r < rows; r++) for (const id of this.masked) logits[r * vocab + id] = Number.NEGATIVE_INFINITY;
  }

  get emptyKv(): KvState {
    return this.empty;
  }

  /** Bytes held by a KV state. */
  kvBytes(length: number): number {
    const { numLayers, kvHeads, headDim, kvType } = this.layout;
    return 2 * numLayers * kvHeads * headDim * length * (kvType === 'float16' ? 2 : 4);
  }

  /**
   * Runs `ids` after `past`. `mode` 'last' returns only the last position's logits (and asks the
   * model for only that row when it has `num_logits_to_keep`).
   */
  async forward(ids: ArrayLike<number>, past: KvState, mode: 'last' | 'all'): Promise<ForwardResult> {
    const n = ids.length;
    if (n === 0) throw new TokenwiseError('internal', 'forward() needs at least one token.');
    const total = past.length + n;
    // Decode steps (n = 1) reuse one-element buffers; the model is not re-entered before run() reads them.
    const inputIds = n === 1 ? this.oneId : new BigInt64Array(n);
    for (let i = 0; i < n; i++) inputIds[i] = BigInt(ids[i]!);
    const feeds: Record<string, OrtTensor> = { input_ids: makeTensor('int64', inputIds, [1, n]) };
    if (this.layout.hasAttentionMask) {
      if (this.ones.length < total) this.ones = new BigInt64Array(Math.max(total, this.ones.length * 2, 256)).fill(1n);
      feeds.attention_mask = makeTensor('int64', this.ones.subarray(0, total), [1, total]);
    }
    if (this.layout.hasPositionIds) {
      const pos = n === 1 ? this.onePos : new BigInt64Array(n);
      for (let i = 0; i < n; i++) pos[i] = BigInt(past.length + i);
      feeds.position_ids = makeTensor('int64', pos, [1, n]);
    }
    if (this.layout.hasUseCacheBranch) feeds.use_cache_branch = past.length > 0 ? this.cacheBranchTrue : this.cacheBranchFalse;
    if (this.layout.hasNumLogitsToKeep) feeds.num_logits_to_keep = mode === 'last' ? this.keepLast : this.keepAll;
    for (let i = 0; i < this.pastNames.length; i++) feeds[this.pastNames[i]!] = past.tensors[i]!;
    const out = await runSession(this.session, feeds);
    const logitsTensor = out.logits!;
    const vocab = this.layout.vocabSize;
    const rowsOut = logitsTensor.dims[1] ?? 1;
    const raw = logitsTensor.data as Float32Array | Uint16Array;
    let rows = rowsOut;
    let view: Float32Array | Uint16Array = raw;
    if (mode === 'last' && rowsOut > 1) {
      view = raw.subarray((rowsOut - 1) * vocab, rowsOut * vocab);
      rows = 1;
    }
    let logits: Float32Array;
    if (view instanceof Float32Array) logits = view;
    else {
      if (this.logitsScratch.length < view.length) this.logitsScratch = new Float32Array(view.length);
      logits = float16ToFloat32(view, this.logitsScratch);
    }
    this.applyMask(logits, rows);
    const present: OrtTensor[] = this.presentNames.map((name) => out[name]!);
    return { logits, rows, present: { length: total, tensors: present } };
  }

  /**
   * Runs several continuations of one prefix in a single batch: the prefix KV is tiled along the
   * batch axis, rows are right-padded and masked. Returns all logits, [rows.length, width, vocab].
   */
  async forwardBatch(rows: readonly (readonly number[])[], past: KvState): Promise<{ logits: Float32Array; width: number }> {
    const B = rows.length;
    const width = rows.reduce((m, r) => Math.max(m, r.length), 0);
    if (B === 0 || width === 0) throw new TokenwiseError('internal', 'forwardBatch() needs at least one token.');
    const P = past.length;
    const total = P + width;
    const inputIds = new BigInt64Array(B * width);
    const mask = new BigInt64Array(B * total);
    const pos = new BigInt64Array(B * width);
    rows.forEach((row, b) => {
      for (let i = 0; i < width; i++) {
        inputIds[b * width + i] = BigInt(row[i] ?? 0);
        pos[b * width + i] = BigInt(P + i);
      }
      mask.fill(1n, b * total, b * total + P + row.length);
    });
    const feeds: Record<string, OrtTensor> = { input_ids: makeTensor('int64', inputIds, [B, width]) };
    if (this.layout.hasAttentionMask) feeds.attention_mask = makeTensor('int64', mask, [B, total]);
    if (this.layout.hasPositionIds) feeds.position_ids = makeTensor('int64', pos, [B, width]);
    if (this.layout.hasUseCacheBranch) feeds.use_cache_branch = P > 0 ? this.cacheBranchTrue : this.cacheBranchFalse;
    if (this.layout.hasNumLogitsToKeep) feeds.num_logits_to_keep = this.keepAll;
    const { kvHeads, headDim, kvType } = this.layout;
    for (let i = 0; i < this.pastNames.length; i++) {
      const src = past.tensors[i]!.data as KvData;
      const dims = [B, kvHeads, P, headDim];
      if (kvType === 'float16') {
        const dst = new Uint16Array(B * src.length);
        for (let b = 0; b < B; b++) dst.set(src as Uint16Array, b * src.length);
        feeds[this.pastNames[i]!] = makeTensor('float16', dst, dims);
      } else {
        const dst = new Float32Array(B * src.length);
        for (let b = 0; b < B; b++) dst.set(src as Float32Array, b * src.length);
        feeds[this.pastNames[i]!] = makeTensor('float32', dst, dims);
      }
    }
    const out = await runSession(this.session, feeds);
    const raw = out.logits!.data as Float32Array | Uint16Array;
    const logits = raw instanceof Float32Array ? raw : float16ToFloat32(raw);
    this.applyMask(logits, B * width);
    return { logits, width };
  }

  /**
   * Beam search: the prefix KV (batch 1) tiled to `batch` rows (every beam starts from the prefix).
   */
  tileKv(kv: KvState, batch: number): BeamKv {
    const { kvHeads, headDim, kvType } = this.layout;
    const tensors = kv.tensors.map((t) => {
      const src = t.data as KvData;
      const dst = kvType === 'float16' ? new Uint16Array(batch * src.length) : new Float32Array(batch * src.length);
      for (let b = 0; b < batch; b++) dst.set(src as never, b * src.length);
      const dims = [batch, kvHeads, kv.length, headDim];
      return kvType === 'float16' ? makeTensor('float16', dst as Uint16Array, dims) : makeTensor('float32', dst as Float32Array, dims);
    });
    return { length: kv.length, batch, tensors };
  }

  /** Beam search: the rows `rows` of a batched KV state, in that order (rows may repeat). */
  gatherKv(kv: BeamKv, rows: readonly number[]): BeamKv {
    const { kvHeads, headDim, kvType } = this.layout;
    const per = kvHeads * kv.length * headDim;
    const tensors = kv.tensors.map((t) => {
      const src = t.data as KvData;
      const dst = kvType === 'float16' ? new Uint16Array(rows.length * per) : new Float32Array(rows.length * per);
      rows.forEach((r, b) => dst.set(src.subarray(r * per, (r + 1) * per) as never, b * per));
      const dims = [rows.length, kvHeads, kv.length, headDim];
      return kvType === 'float16' ? makeTensor('float16', dst as Uint16Array, dims) : makeTensor('float32', dst as Float32Array, dims);
    });
    return { length: kv.length, batch: rows.length, tensors };
  }

  /**
   * Beam search step: one new token per beam over a batched KV state (all beams the same length),
   * one batched forward. Returns [batch, vocab] logits and the grown KV state.
   */
  async forwardBeams(tokens: readonly number[], past: BeamKv): Promise<{ logits: Float32Array; present: BeamKv }> {
    const B = tokens.length;
    if (B === 0 || B !== past.batch) throw new TokenwiseError('internal', 'forwardBeams() needs one token per beam.');
    const total = past.length + 1;
    const feeds: Record<string, OrtTensor> = { input_ids: makeTensor('int64', BigInt64Array.from(tokens, (t) => BigInt(t)), [B, 1]) };
    if (this.layout.hasAttentionMask) feeds.attention_mask = makeTensor('int64', new BigInt64Array(B * total).fill(1n), [B, total]);
    if (this.layout.hasPositionIds) feeds.position_ids = makeTensor('int64', new BigInt64Array(B).fill(BigInt(past.length)), [B, 1]);
    if (this.layout.hasUseCacheBranch) feeds.use_cache_branch = past.length > 0 ? this.cacheBranchTrue : this.cacheBranchFalse;
    if (this.layout.hasNumLogitsToKeep) feeds.num_logits_to_keep = this.keepLast;
    for (let i = 0; i < this.pastNames.length; i++) feeds[this.pastNames[i]!] = past.tensors[i]!;
    const out = await runSession(this.session, feeds);
    const raw = out.logits!.data as Float32Array | Uint16Array;
    const vocab = this.layout.vocabSize;
    const rows = out.logits!.dims[1] ?? 1;
    let logits = raw instanceof Float32Array ? raw : float16ToFloat32(raw);
    if (rows > 1) {
      // Models without num_logits_to_keep return every row; keep the last per beam.
      const last = new Float32Array(B * vocab);
      for (let b = 0; b < B; b++) last.set(logits.subarray((b * rows + rows - 1) * vocab, (b * rows + rows) * vocab), b * vocab);
      logits = last;
    }
    return { logits, present: { length: total, batch: B, tensors: this.presentNames.map((name) => out[name]!) } };
  }

  /** A copy of the first `length` positions of a KV state (axis 2). */
  sliceKv(kv: KvState, length: number): KvState {
    if (length === kv.length) return kv;
    if (length === 0) return this.empty;
    const { kvHeads, headDim, kvType } = this.layout;
    const tensors = kv.tensors.map((t) => {
      const src = t.data as KvData;
      const dst = kvType === 'float16' ? new Uint16Array(kvHeads * length * headDim) : new Float32Array(kvHeads * length * headDim);
      for (let h = 0; h < kvHeads; h++) {
        const from = h * kv.length * headDim;
        dst.set(src.subarray(from, from + length * headDim) as never, h * length * headDim);
      }
      return kvType === 'float16'
        ? makeTensor('float16', dst as Uint16Array, [1, kvHeads, length, headDim])
        : makeTensor('float32', dst as Float32Array, [1, kvHeads, length, headDim]);
    });
    return { length, tensors };
  }
}
