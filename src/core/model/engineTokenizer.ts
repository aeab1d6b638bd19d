/**
 * The model's own tokenizer (tokenizer.json) for the engine, through @huggingface/tokenizers.
 * Adds what that library does not return: the bytes of each token and UTF-16 spans in the text.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { TokenwiseError } from '../base/errors';
import { bytesToUnicode } from '../tokenize/huggingface';
import type { TokenSpan } from '../inference/types';

type ByteMode = 'byte-level' | 'metaspace' | 'plain';

/** GPT-2's bytes_to_unicode table, inverted: the character of a byte-level token → that byte. */
function unicodeToBytes(): Map<string, number> {
  return new Map(bytesToUnicode().map((ch, b) => [ch, b]));
}

const encoder = new TextEncoder();

function hasType(node: unknown, type: string): boolean {
  if (!node || typeof node !== 'object') return false;
  const n = node as Record<string, unknown>;
  if (n.type === type) return true;
  for (const key of ['pretokenizers', 'decoders', 'normalizers', 'processors']) {
    const list = n[key];
    if (Array.isArray(list) && list.some((c) => hasType(c, type))) return true;
  }
  return false;
}

export class ModelTokenizer {
  private readonly textCache = new Map<number, string>();
  private readonly bytesCache = new Map<number, Uint8Array>();
  private readonly byteMap = unicodeToBytes();

  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly mode: ByteMode,
    private readonly added: ReadonlyMap<number, string>,
    /** Largest id + 1 over the vocabulary and the added tokens. */
    readonly vocabSize: number,
    readonly config: Readonly<Record<string, unknown>>,
  ) {}

  static load(dir: string): ModelTokenizer {
    const path = join(dir, 'tokenizer.json');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      throw new TokenwiseError('model', `tokenizer.json is missing in ${dir}.`);
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new TokenwiseError('model', `${path} is not valid JSON (corrupt or truncated).`);
    }
    let config: Record<string, unknown> = {};
    try {
      config = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      // optional
    }
    const model = json.model as { type?: string; vocab?: unknown } | undefined;
    if (!model || typeof model !== 'object' || !model.vocab) throw new TokenwiseError('model', `${path} has no model vocabulary.`);
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, config);
    } catch (error) {
      throw new TokenwiseError('model', `${path} cannot be loaded (${(error as Error).message}).`);
    }
    let maxId = -1;
    const vocab = model.vocab;
    if (Array.isArray(vocab)) maxId = vocab.length - 1; // Unigram: [[piece, score], ...]
    else for (const id of Object.values(vocab as Record<string, number>)) if (id > maxId) maxId = id;
    const added = new Map<number, string>();
    for (const t of (json.added_tokens as { id: number; content: string }[] | undefined) ?? []) {
      added.set(t.id, t.content);
      if (t.id > maxId) maxId = t.id;
    }
    const mode: ByteMode = hasType(json.pre_tokenizer, 'ByteLevel') || hasType(json.decoder, 'ByteLevel')
      ? 'byte-level'
      : hasType(json.pre_tokenizer, 'Metaspace') || hasType(json.decoder, 'Metaspace') || hasType(json.normalizer, 'Replace')
        ? 'metaspace'
        : 'plain';
    return new ModelTokenizer(tokenizer, mode, added, maxId + 1, config);
  }

  /** Token ids of `text`, without special tokens added (a literal special-token string stays special). */
  encode(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  decode(ids: readonly number[]): string {
    // @huggingface/tokenizers rejects an empty list; nothing decodes to nothing.
    if (ids.length === 0) return '';
    return this.tokenizer.decode([...ids], { skip_special_tokens: false });
  }

  /** Text of one token (memoised). */
  tokenText(id: number): string {
    let t = this.textCache.get(id);
    if (t === undefined) {
      t = this.added.get(id) ?? this.tokenizer.decode([id], { skip_special_tokens: false });
      this.textCache.set(id, t);
    }
    return t;
  }

  tokenId(token: string): number | undefined {
    return this.tokenizer.token_to_id(token);
  }

  /** The bytes a token stands for in the text. */
  tokenBytes(id: number): Uint8Array {
    let bytes = this.bytesCache.get(id);
    if (bytes) return bytes;
    const added = this.added.get(id);
    const piece = this.tokenizer.id_to_token(id) ?? '';
    if (added !== undefined) bytes = encoder.encode(added);
    else if (this.mode === 'byte-level') {
      const out: number[] = [];
      let ok = true;
      for (const ch of piece) {
        const b = this.byteMap.get(ch);
        if (b === undefined) {
          ok = false;
          break;
        }
        out.push(b);
      }
      bytes = ok ? Uint8Array.from(out) : encoder.encode(piece);
    } else if (this.mode === 'metaspace') {
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
      bytes = m ? Uint8Array.of(parseInt(m[1]!, 16)) : encoder.encode(piece.replace(/\u2581/g, ' '));
    } else bytes = encoder.encode(piece);
    this.bytesCache.set(id, bytes);
    return bytes;
  }

  /**
   * UTF-16 spans of `ids` in `text`, from the tokens' byte lengths. A token boundary that falls
   * inside a multi-byte character is moved to the end of that character (the character belongs to
   * the token where it starts; a token entirely inside one character gets an empty span).
   * SentencePiece's prepended space (Metaspace) is dropped from the first token.
   */
  spans(text: string, ids: readonly number[]): TokenSpan[] {
    const utf8 = encoder.encode(text);
    // byteToUtf16[b] = UTF-16 offset of the first character boundary at or after byte b.
    const byteToUtf16 = new Uint32Array(utf8.length + 1);
    let b = 0;
    let u = 0;
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      const len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      const next = u + ch.length;
      byteToUtf16[b] = u;
      for (let k = 1; k < len; k++) byteToUtf16[b + k] = next;
      b += len;
      u = next;
    }
    byteToUtf16[utf8.length] = u;
    const spans: TokenSpan[] = [];
    let pos = 0;
    let dropLeadingSpace = this.mode === 'metaspace' && text[0] !== ' ';
    for (const id of ids) {
      let len = this.tokenBytes(id).length;
      if (dropLeadingSpace && len > 0) {
        if (this.tokenBytes(id)[0] === 0x20) len--;
        dropLeadingSpace = false;
      }
      const start = Math.min(pos, utf8.length);
      const end = Math.min(pos + len, utf8.length);
      spans.push({ id, start: byteToUtf16[start]!, end: byteToUtf16[end]! });
      pos += len;
    }
    return spans;
  }

  /** Ids of the tokens named in tokenizer_config.json / added tokens, by content. */
  addedTokenId(content: string): number | undefined {
    for (const [id, c] of this.added) if (c === content) return id;
    return undefined;
  }
}
