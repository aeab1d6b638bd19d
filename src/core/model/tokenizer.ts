/**
 * The model's tokenizer (its tokenizer.json), one implementation for the engine, completion, the
 * heat map and the token view's "model" option: the exact span tokenizer of src/core/tokenize
 * (tested token-for-token against @huggingface/tokenizers). Document text is always ordinary
 * text: a sentinel such as `<|fim_prefix|>` typed in a file never becomes the special token.
 */
import { existsSync } from 'node:fs';
import { readRegularFile } from '../base/files';
import { maxConfigBytes } from './modelDir';
import { basename, join } from 'node:path';
import { TokenwiseError } from '../base/errors';
import { HuggingFaceTokenizer, readTokenizerJson } from '../tokenize/huggingface';
import { TokenFlag } from '../tokenize/types';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });
const lenientUtf8 = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** A token of the model's tokenizer with its UTF-16 span in the text. */
export interface ModelTokenSpan {
  id: number;
  start: number;
  end: number;
}

export class ModelTokenizer {
  /** Largest id + 1 over the vocabulary and the added tokens (the model's logits may have more rows). */
  readonly vocabSize: number;
  /** tokenizer_config.json (optional file; empty when absent). */
  readonly config: Readonly<Record<string, unknown>>;
  readonly tokenizer: HuggingFaceTokenizer;
  private readonly added = new Map<string, number>();
  private readonly addedContent = new Map<number, string>();
  private readonly specialIds = new Set<number>();
  private readonly textCache = new Map<number, string>();
  /**
   * SentencePiece-style tokenizers (Llama's Prepend "▁" normalizer, Metaspace) add a space before
   * the text; a word start is a run of spaces and fragments are encoded without that extra space.
   */
  private readonly prependsSpace: boolean;

  private constructor(tokenizerJsonPath: string, name: string, config: Record<string, unknown>) {
    const json = readTokenizerJson(tokenizerJsonPath);
    this.tokenizer = new HuggingFaceTokenizer(json, name, { addedTokens: 'ordinary' });
    for (const a of (json as { added_tokens?: Array<{ id: number; content: string; special?: boolean }> }).added_tokens ?? []) {
      this.added.set(a.content, a.id);
      this.addedContent.set(a.id, a.content);
      if (a.special) this.specialIds.add(a.id);
    }
    this.config = config;
    this.vocabSize = this.tokenizer.vocabSize;
    const probe = this.tokenizer.encodeSpans('a');
    this.prependsSpace = probe.count > 0 && this.tokenizer.tokenBytes(probe.ids[0]!)[0] === 0x20;
  }

  /** The tokenizer of a model directory (tokenizer.json, optional tokenizer_config.json). */
  static load(dir: string): ModelTokenizer {
    let config: Record<string, unknown> = {};
    const configPath = join(dir, 'tokenizer_config.json');
    if (existsSync(configPath)) {
      // Optional, but when present a regular file of bounded size (not /dev/zero, not a FIFO).
      const raw = readRegularFile(configPath, { maxBytes: maxConfigBytes, kind: 'model' }).toString('utf8');
      try {
        config = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // unreadable optional file: defaults
      }
    }
    return ModelTokenizer.fromFile(join(dir, 'tokenizer.json'), config);
  }

  static fromFile(tokenizerJsonPath: string, config: Record<string, unknown> = {}): ModelTokenizer {
    const dirName = basename(join(tokenizerJsonPath, '..'));
    try {
      return new ModelTokenizer(tokenizerJsonPath, `${dirName} (tokenizer.json)`, config);
    } catch (error) {
      if (error instanceof TokenwiseError) throw new TokenwiseError('model', error.message);
      throw error;
    }
  }

  get name(): string {
    return this.tokenizer.name;
  }

  /** Token ids of document text (added tokens' text stays ordinary text). */
  encodeText(text: string): number[] {
    return Array.from(this.tokenizer.encodeSpans(text).ids);
  }

  /** Tokens of document text with their UTF-16 spans (exact; see TokenSpans). */
  spans(text: string): ModelTokenSpan[] {
    const s = this.tokenizer.encodeSpans(text);
    const out: ModelTokenSpan[] = new Array(s.count);
    for (let i = 0; i < s.count; i++) out[i] = { id: s.ids[i]!, start: s.starts[i]!, end: s.starts[i + 1]! };
    return out;
  }

  /** Text of token ids (special tokens as their content; invalid UTF-8 as U+FFFD). */
  decode(ids: readonly number[]): string {
    const parts: Uint8Array[] = [];
    let length = 0;
    for (const id of ids) {
      const b = this.displayBytes(id);
      parts.push(b);
      length += b.length;
    }
    const all = new Uint8Array(length);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    let text = lenientUtf8.decode(all);
    if (this.prependsSpace && text.startsWith(' ')) text = text.slice(1);
    return text;
  }

  /** Text of one token (memoised; a token that splits a character shows U+FFFD). */
  tokenText(id: number): string {
    let t = this.textCache.get(id);
    if (t === undefined) {
      t = lenientUtf8.decode(this.displayBytes(id));
      this.textCache.set(id, t);
    }
    return t;
  }

  /** Whether the tokenizer has a token for `id` (a model's padded logits rows have none). */
  hasId(id: number): boolean {
    return this.addedContent.has(id) || (id >= 0 && id < this.tokenizer.vocabSize && this.tokenizer.hasToken(id));
  }

  private displayBytes(id: number): Uint8Array {
    const content = this.addedContent.get(id);
    if (content !== undefined) return encoder.encode(content);
    if (!this.hasId(id)) return new Uint8Array(0);
    return this.tokenizer.tokenBytes(id);
  }

  /** Contents of the added/special tokens, for FIM family detection. */
  specialTokens(): string[] {
    return [...this.added.keys()];
  }

  /** Id of an added/special token by its content. */
  specialId(content: string): number | undefined {
    return this.added.get(content);
  }

  /** Bytes an ordinary token stands for; undefined for special tokens and ids past the tokenizer. */
  tokenBytes(id: number): Uint8Array | undefined {
    if (this.specialIds.has(id) || !this.hasId(id)) return undefined;
    return this.tokenizer.tokenBytes(id);
  }

  /** Canonical encoding of a byte string; [] when the bytes end inside a character. */
  encode(bytes: Uint8Array): number[] {
    let text: string;
    try {
      text = fatalUtf8.decode(bytes);
    } catch {
      // Bytes ending inside a character have no canonical encoding as text; covers that would
      // need one are dropped (only possible for tokens that split a multi-byte character).
      return [];
    }
    // A fragment that starts a word (" ret") is encoded as in the middle of a document: the
    // tokenizer's own prepended space stands for the fragment's first space.
    if (this.prependsSpace && text.startsWith(' ')) text = text.slice(1);
    return this.encodeText(text);
  }

  /** Byte offsets where tokenization may restart (pre-token starts). */
  preTokenStarts(bytes: Uint8Array): number[] {
    if (this.prependsSpace) {
      // SentencePiece pieces start at a space run that follows other text.
      const starts = [0];
      for (let i = 1; i < bytes.length; i++) if (bytes[i] === 0x20 && bytes[i - 1] !== 0x20) starts.push(i);
      return starts;
    }
    let text: string;
    try {
      text = fatalUtf8.decode(bytes);
    } catch {
      return [0];
    }
    const spans = this.tokenizer.encodeSpans(text);
    const starts: number[] = [];
    for (let i = 0; i < spans.count; i++) if (spans.flags[i]! & TokenFlag.pieceStart) starts.push(spans.byteStarts[i]!);
    if (starts[0] !== 0) starts.unshift(0);
    return starts;
  }

  dispose(): void {
    this.tokenizer.dispose();
  }
}
