/**
 * A toy byte-level BPE tokenizer (merges + a regex pre-tokenizer) and a deterministic toy language
 * model over it, small enough to enumerate every token sequence in tests. The toy LM puts mass only
 * on valid (canonical) continuations, as the Byte-Token Representation Lemma assumes.
 */
import type { BoundaryVocabulary } from '../../../src/core/completion/boundary/vocabulary';
import type { NextTokenScorer } from '../../../src/core/completion/boundary/exact';

const enc = new TextEncoder();
const dec = new TextDecoder('latin1');

export class ToyBpe implements BoundaryVocabulary {
  readonly vocabSize: number;
  readonly eos: number;
  private readonly pieces: Uint8Array[] = [];
  private readonly idOf = new Map<string, number>();
  private readonly rank = new Map<string, number>();

  /** Special tokens after EOS, by content (e.g. FIM sentinels). */
  readonly specials = new Map<string, number>();

  constructor(
    alphabet: string,
    merges: Array<[string, string]>,
    private readonly pretokenizer = / ?[^ ]+| +/g,
    specialTokens: string[] = [],
  ) {
    for (const ch of alphabet) this.add(ch);
    merges.forEach(([a, b], r) => {
      this.rank.set(`${a}\u0000${b}`, r);
      this.add(a + b);
    });
    this.eos = this.pieces.length;
    this.specials.set('<eos>', this.eos);
    specialTokens.forEach((s, i) => this.specials.set(s, this.eos + 1 + i));
    this.vocabSize = this.eos + 1 + specialTokens.length;
  }

  specialId(content: string): number | undefined {
    return this.specials.get(content);
  }

  private add(text: string) {
    this.idOf.set(text, this.pieces.length);
    this.pieces.push(enc.encode(text));
  }

  tokenBytes(id: number): Uint8Array | undefined {
    return id >= this.eos ? undefined : this.pieces[id];
  }

  preTokenStarts(bytes: Uint8Array): number[] {
    const text = dec.decode(bytes);
    const starts: number[] = [];
    for (const m of text.matchAll(this.pretokenizer)) starts.push(m.index!);
    return starts.length ? starts : [0];
  }

  encode(bytes: Uint8Array): number[] {
    const text = dec.decode(bytes);
    const out: number[] = [];
    for (const m of text.matchAll(this.pretokenizer)) out.push(...this.bpe(m[0]));
    return out;
  }

  private bpe(word: string): number[] {
    let symbols = [...word];
    for (;;) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const r = this.rank.get(`${symbols[i]}\u0000${symbols[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const [a, b] = [symbols[best]!, symbols[best + 1]!];
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          merged.push(a + b);
          i++;
        } else merged.push(symbols[i]!);
      }
      symbols = merged;
    }
    return symbols.map((s) => this.idOf.get(s)!);
  }

  decode(tokens: readonly number[]): Uint8Array {
    const parts = tokens.map((t) => this.tokenBytes(t) ?? new Uint8Array(0));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  isValid(all: readonly number[]): boolean {
    // Only the ordinary text after the last special token is one canonical encoding.
    let from = all.length;
    while (from > 0 && all[from - 1]! < this.eos) from--;
    const tokens = all.slice(from);
    const again = this.encode(this.decode(tokens));
    return again.length === tokens.length && again.every((t, i) => t === tokens[i]);
  }
}

/** Deterministic pseudo-random logits from the context, masked to valid continuations. */
export class ToyLm implements NextTokenScorer {
  calls = 0;
  constructor(
    private readonly bpe: ToyBpe,
    private readonly seed = 1,
    /** false: like a real LM, some mass goes to non-canonical continuations too. */
    private readonly maskInvalid = true,
  ) {}

  async nextLogprobs(tokens: readonly number[]): Promise<Float32Array> {
    this.calls++;
    return this.nextSync(tokens);
  }

  nextSync(tokens: readonly number[]): Float32Array {
    let h = 2166136261 ^ this.seed;
    for (const t of tokens) h = Math.imul(h ^ (t + 1), 16777619);
    const logits = new Float64Array(this.bpe.vocabSize);
    for (let id = 0; id < logits.length; id++) {
      let x = Math.imul(h ^ (id * 374761393), 668265263);
      x = Math.imul(x ^ (x >>> 15), 2246822519);
      const u = ((x ^ (x >>> 13)) >>> 0) / 4294967296;
      const valid = id >= this.bpe.eos || this.bpe.isValid([...tokens, id]);
      logits[id] = valid || !this.maskInvalid ? 3 * u + (id === this.bpe.eos ? 0.5 : id > this.bpe.eos ? -4 : 0) : -Infinity;
    }
    let max = -Infinity;
    for (const v of logits) if (v > max) max = v;
    let sum = 0;
    for (const v of logits) sum += Math.exp(v - max);
    const out = new Float32Array(logits.length);
    for (let i = 0; i < out.length; i++) out[i] = logits[i]! - max - Math.log(sum);
    return out;
  }
}

export const bytes = (s: string): Uint8Array => enc.encode(s);

/** A toy completion backend: greedy decoding with the toy LM. */
export class ToyModel {
  constructor(readonly lm: ToyLm) {}

  nextLogprobs(tokens: readonly number[]): Promise<Float32Array> {
    return this.lm.nextLogprobs(tokens);
  }

  async generate(ids: readonly number[], options: { maxNewTokens: number; stopTokens?: number[]; onToken?: (id: number) => void }) {
    const tokens: number[] = [];
    let finishReason: 'stop' | 'length' = 'length';
    while (tokens.length < options.maxNewTokens) {
      const next = this.lm.nextSync([...ids, ...tokens]);
      let best = 0;
      for (let i = 1; i < next.length; i++) if (next[i]! > next[best]!) best = i;
      if (options.stopTokens?.includes(best)) {
        finishReason = 'stop';
        break;
      }
      tokens.push(best);
      options.onToken?.(best);
    }
    return { tokens, text: '', finishReason, computedPromptTokens: ids.length, firstTokenMs: 0 };
  }
}
