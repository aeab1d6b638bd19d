/**
 * Hugging Face `tokenizer.json` (BPE models): byte-level BPE with regex pre-tokenizers (GPT-2,
 * Qwen, DeepSeek, Llama 3 style) and SentencePiece-style BPE with byte fallback (Llama 2, with a
 * Prepend/Replace normalizer or a Metaspace pre-tokenizer). Normalizers: NFC/NFKC/NFD/NFKD,
 * Prepend, Replace (literal). Pre-tokenizers: Split (Isolated), ByteLevel, Digits, Metaspace,
 * Sequence. Other model types (Unigram, WordPiece) and components are refused with a clear error.
 * Without a regex pre-tokenizer, text is cut where no merge can cross (`SafeSplitScanner`).
 *
 * The file is parsed here (vocabulary, merges, normalizer, pre-tokenizer, added tokens); the
 * pre-tokenizer regexes are compiled by `@huggingface/tokenizers` itself (its Oniguruma → JS
 * rewrite), so pieces are the ones of the reference implementation, whose `encode` the tests
 * compare ids against. Differences from `Tokenizer.encode` by design:
 * - special added tokens (`"special": true`) in the text are tokenized as ordinary text;
 * - non-special added tokens are matched in the raw text (before normalization), or treated as
 *   ordinary text too with `{ addedTokens: 'ordinary' }`;
 * - no post-processor (no BOS/EOS): the spans cover the document only.
 */
import { existsSync } from 'node:fs';
import { readRegularFile } from '../base/files';
import { basename, dirname } from 'node:path';
import { ByteLevelPreTokenizer, SplitPreTokenizer, Tokenizer as ReferenceTokenizer } from '@huggingface/tokenizers';
import { TokenwiseError } from '../base/errors';
import { PipelineEngine, PipelineTokenizer, type AddedTokenMatcher } from './engine';
import { createNormalizer, MetaspacePrependStep, Normalizer, ReplaceStep } from './normalize';
import { SafeSplitScanner, SequenceScanner, StickyScanner, WholeScanner, type PieceScanner } from './pretokenize';
import { mergeBpe } from './bpe';
import { makePieceEntry, type PieceEntry } from './spans';
import { utf8Encode } from '../base/utf8';

interface AddedTokenJson {
  id: number;
  content: string;
  special?: boolean;
  lstrip?: boolean;
  rstrip?: boolean;
  normalized?: boolean;
}

interface PreTokenizerJson {
  type?: string;
  pretokenizers?: PreTokenizerJson[];
  pattern?: { Regex?: string; String?: string };
  behavior?: string;
  invert?: boolean;
  add_prefix_space?: boolean;
  use_regex?: boolean;
  individual_digits?: boolean;
}

interface DecoderJson {
  type?: string;
  decoders?: DecoderJson[];
  pattern?: { String?: string };
  content?: string;
}

export interface TokenizerJson {
  model: {
    type?: string;
    vocab: Record<string, number>;
    merges: Array<string | [string, string]>;
    unk_token?: string | null;
    byte_fallback?: boolean;
    fuse_unk?: boolean;
    ignore_merges?: boolean;
    continuing_subword_prefix?: string | null;
    end_of_word_suffix?: string | null;
    dropout?: number | null;
  };
  added_tokens?: AddedTokenJson[];
  normalizer?: unknown;
  pre_tokenizer?: PreTokenizerJson | null;
  decoder?: DecoderJson | null;
}

/** GPT-2's reversible byte ↔ printable-character table (byte → character). */
export function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const table: string[] = new Array(256);
  for (const b of bs) table[b] = String.fromCharCode(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (table[b] === undefined) table[b] = String.fromCharCode(256 + n++);
  return table;
}

const MERGE_SHIFT = 4194304; // 2^22: merge value = rank * 2^22 + merged id

/** Largest tokenizer.json read (Qwen3's is 11 MB). */
export const maxTokenizerJsonBytes = 256 * 1024 * 1024;

export function readTokenizerJson(path: string): TokenizerJson {
  if (!existsSync(path)) throw new TokenwiseError('input', `Tokenizer file not found: ${path}`);
  // Only a regular file, size checked on the open descriptor (not /dev/zero, not a FIFO).
  const raw = readRegularFile(path, { maxBytes: maxTokenizerJsonBytes, label: `Tokenizer file ${path}` }).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new TokenwiseError('input', `${path} is not valid JSON (expected a Hugging Face tokenizer.json).`);
  }
  const j = json as TokenizerJson;
  if (!j || typeof j !== 'object' || !j.model || typeof j.model.vocab !== 'object') throw new TokenwiseError('input', `${path} is not a Hugging Face tokenizer.json (no model.vocab).`);
  return j;
}

export class HuggingFaceTokenizer extends PipelineTokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly engine: PipelineEngine;
  readonly byteLevel: boolean;
  private readonly idToToken: string[] = [];
  private readonly addedById = new Map<number, AddedTokenJson>();
  private readonly byteDecoder = new Map<string, number>();
  private readonly decoderReplaces: Array<[string, string]> = [];
  private readonly tokenBytesCache = new Map<number, Uint8Array>();

  /**
   * `options.addedTokens`: `'non-special'` (default) matches the non-special added tokens in the
   * text as @huggingface/tokenizers does; `'ordinary'` treats every added token's text as ordinary
   * text (e.g. Qwen's FIM sentinels, which Qwen marks non-special, typed in a document).
   */
  constructor(json: TokenizerJson, name: string, options: { addedTokens?: 'non-special' | 'ordinary' } = {}) {
    super();
    this.name = name;
    const model = json.model;
    if ((model.type ?? 'BPE') !== 'BPE') throw new TokenwiseError('input', `${name}: ${model.type} tokenizers are not supported (BPE only).`);
    if (model.end_of_word_suffix || model.continuing_subword_prefix)
      throw new TokenwiseError('input', `${name}: BPE with continuing_subword_prefix / end_of_word_suffix is not supported.`);

    const vocab = new Map<string, number>();
    let maxId = -1;
    for (const [tok, id] of Object.entries(model.vocab)) {
      vocab.set(tok, id);
      this.idToToken[id] = tok;
      if (id > maxId) maxId = id;
    }
    for (const a of json.added_tokens ?? []) {
      this.addedById.set(a.id, a);
      vocab.set(a.content, a.id);
      if (a.id > maxId) maxId = a.id;
    }
    this.vocabSize = maxId + 1;
    const stride = maxId + 1;

    // Decoder: which Replace normalizations it undoes (Llama: "▁" → " ").
    const visitDecoder = (d: DecoderJson | null | undefined) => {
      if (!d) return;
      if (d.type === 'Sequence') for (const c of d.decoders ?? []) visitDecoder(c);
      else if (d.type === 'Replace' && d.pattern?.String !== undefined) this.decoderReplaces.push([d.pattern.String, d.content ?? '']);
      else if (d.type === 'Metaspace') this.decoderReplaces.push(['▁', ' ']);
    };
    visitDecoder(json.decoder);

    // Pre-tokenizer: regex stages (compiled by @huggingface/tokenizers) and byte-level mapping.
    const stages: PieceScanner[] = [];
    let byteLevel = false;
    let metaspace: { replacement: string; scheme: 'always' | 'first' | 'never' } | undefined;
    const visitPre = (p: PreTokenizerJson | null | undefined) => {
      if (!p) return;
      switch (p.type) {
        case 'Sequence':
          for (const c of p.pretokenizers ?? []) visitPre(c);
          return;
        case 'Split': {
          const behavior = (p.behavior ?? 'Isolated').toLowerCase();
          if (p.invert || behavior === 'removed') throw new TokenwiseError('input', `${name}: Split pre-tokenizers that drop text (invert / Removed) are not supported.`);
          const compiled = (new SplitPreTokenizer(p as never) as unknown as { pattern: RegExp | null }).pattern;
          if (!compiled) throw new TokenwiseError('input', `${name}: unsupported Split pattern.`);
          stages.push(new StickyScanner(compiled.source));
          return;
        }
        case 'ByteLevel': {
          if (p.add_prefix_space) throw new TokenwiseError('input', `${name}: ByteLevel with add_prefix_space is not supported.`);
          byteLevel = true;
          if (p.use_regex ?? true) stages.push(new StickyScanner((new ByteLevelPreTokenizer(p as never) as unknown as { pattern: RegExp }).pattern.source));
          return;
        }
        case 'Metaspace': {
          // As in @huggingface/tokenizers: spaces become the replacement character, which is
          // prepended to the section; the text is not split (the `split` option is not applied).
          if (metaspace) throw new TokenwiseError('input', `${name}: more than one Metaspace pre-tokenizer.`);
          const scheme = (p as { prepend_scheme?: string }).prepend_scheme ?? 'always';
          metaspace = {
            replacement: (p as { replacement?: string }).replacement ?? '▁',
            scheme: scheme === 'first' || scheme === 'never' ? scheme : 'always',
          };
          return;
        }
        case 'Digits':
          stages.push(new StickyScanner(p.individual_digits ? '\\p{N}' : '\\p{N}+'));
          return;
        default:
          throw new TokenwiseError('input', `${name}: pre-tokenizer ${String(p.type)} is not supported.`);
      }
    };
    visitPre(json.pre_tokenizer);
    if (!byteLevel && json.decoder && JSON.stringify(json.decoder).includes('"ByteLevel"')) byteLevel = true;
    this.byteLevel = byteLevel;

    const byteChars = bytesToUnicode();
    byteChars.forEach((ch, b) => this.byteDecoder.set(ch, b));

    // Merges: (left id, right id) → rank and merged id. Later duplicates win, as in the reference.
    const merges = new Map<number, number>();
    const pairChars = new Set<number>();
    model.merges.forEach((m, rank) => {
      let a: string;
      let b: string;
      if (Array.isArray(m)) [a, b] = m;
      else {
        const sp = m.indexOf(' ', 1);
        a = m.slice(0, sp);
        b = m.slice(sp + 1);
      }
      const ia = vocab.get(a);
      const ib = vocab.get(b);
      const im = vocab.get(a + b);
      if (ia === undefined || ib === undefined || im === undefined) return;
      merges.set(ia * stride + ib, rank * MERGE_SHIFT + im);
      const cps = [...(a + b)];
      for (let i = 1; i < cps.length; i++) pairChars.add(cps[i - 1]!.codePointAt(0)! * 0x110000 + cps[i]!.codePointAt(0)!);
    });

    const unkId = model.unk_token != null ? vocab.get(model.unk_token) : undefined;
    const ignoreMerges = model.ignore_merges === true;
    const byteFallback = model.byte_fallback === true;
    const fuseUnk = model.fuse_unk === true;
    const fallbackIds: Array<number | undefined> = [];
    for (let b = 0; b < 256; b++) fallbackIds[b] = vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);

    let encodePiece: (piece: string) => PieceEntry;
    if (byteLevel) {
      const byteSym = byteChars.map((ch) => {
        const id = vocab.get(ch);
        if (id === undefined) throw new TokenwiseError('input', `${name}: byte-level vocabulary lacks the byte symbol ${JSON.stringify(ch)}.`);
        return id;
      });
      encodePiece = (piece) => {
        const bytes = utf8Encode(piece);
        if (ignoreMerges) {
          let s = '';
          for (const b of bytes) s += byteChars[b];
          const whole = vocab.get(s);
          if (whole !== undefined) return makePieceEntry(piece, [whole], [bytes.length]);
        }
        const syms: number[] = new Array(bytes.length);
        const lens: number[] = new Array(bytes.length);
        for (let i = 0; i < bytes.length; i++) {
          syms[i] = byteSym[bytes[i]!]!;
          lens[i] = 1;
        }
        const m = mergeBpe(syms, lens, merges, stride);
        syms.length = m;
        lens.length = m;
        return makePieceEntry(piece, syms, lens);
      };
    } else {
      encodePiece = (piece) => {
        if (ignoreMerges) {
          const whole = vocab.get(piece);
          if (whole !== undefined) return makePieceEntry(piece, [whole], [utf8Encode(piece).length]);
        }
        const syms: number[] = [];
        const lens: number[] = [];
        for (const ch of piece) {
          const cp = ch.codePointAt(0)!;
          syms.push(vocab.get(ch) ?? -(cp + 1));
          lens.push(cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
        }
        const m = mergeBpe(syms, lens, merges, stride);
        const ids: number[] = [];
        const outLens: number[] = [];
        for (let i = 0; i < m; i++) {
          const s = syms[i]!;
          if (s >= 0) {
            ids.push(s);
            outLens.push(lens[i]!);
            continue;
          }
          const bytes = utf8Encode(String.fromCodePoint(-s - 1));
          if (byteFallback && Array.from(bytes).every((b) => fallbackIds[b] !== undefined)) {
            for (const b of bytes) {
              ids.push(fallbackIds[b]!);
              outLens.push(1);
            }
          } else if (unkId !== undefined) {
            if (fuseUnk && ids.length > 0 && ids[ids.length - 1] === unkId) outLens[outLens.length - 1]! += bytes.length;
            else {
              ids.push(unkId);
              outLens.push(bytes.length);
            }
          } else throw new TokenwiseError('input', `${name}: character U+${(-s - 1).toString(16).toUpperCase()} is not in the vocabulary and there is no unknown token.`);
        }
        return makePieceEntry(piece, ids, outLens);
      };
    }

    let scanner: PieceScanner;
    if (stages.length === 1) scanner = stages[0]!;
    else if (stages.length > 1) scanner = new SequenceScanner(stages);
    else if (!byteLevel) scanner = new SafeSplitScanner((p, n) => pairChars.has(p * 0x110000 + n));
    else scanner = new WholeScanner();

    // Non-special added tokens are matched in the text; special ones are left to ordinary BPE.
    const nonSpecial = options.addedTokens === 'ordinary' ? [] : (json.added_tokens ?? []).filter((a) => !a.special && a.content.length > 0);
    let added: AddedTokenMatcher | null = null;
    if (nonSpecial.length > 0) {
      const sorted = [...nonSpecial].sort((x, y) => y.content.length - x.content.length);
      added = {
        regex: new RegExp(sorted.map((a) => a.content.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gu'),
        ids: new Map(nonSpecial.map((a) => [a.content, a.id])),
        lstrip: new Set(nonSpecial.filter((a) => a.lstrip).map((a) => a.content)),
        rstrip: new Set(nonSpecial.filter((a) => a.rstrip).map((a) => a.content)),
        maxLength: Math.max(...nonSpecial.map((a) => a.content.length)),
      };
    }

    this.engine = new PipelineEngine({
      name,
      scanner,
      normalizer: this.normalizerWithMetaspace(createNormalizer(json.normalizer as never, this.decoderReplaces), metaspace),
      encodePiece,
      added,
      lookahead: 16,
    });
  }

  private normalizerWithMetaspace(base: Normalizer, metaspace: { replacement: string; scheme: 'always' | 'first' | 'never' } | undefined): Normalizer {
    if (!metaspace) return base;
    if (!this.decoderReplaces.some(([from, to]) => from === metaspace.replacement && to === ' ')) this.decoderReplaces.push([metaspace.replacement, ' ']);
    return new Normalizer([...base.steps, new ReplaceStep(' ', metaspace.replacement, true), new MetaspacePrependStep(metaspace.replacement, metaspace.scheme)]);
  }

  static fromFile(path: string, label?: string, addedTokens?: 'non-special' | 'ordinary'): HuggingFaceTokenizer {
    const json = readTokenizerJson(path);
    return new HuggingFaceTokenizer(json, label ?? `${basename(dirname(path))}/${basename(path)}`, addedTokens ? { addedTokens } : {});
  }

  tokenString(id: number): string | undefined {
    return this.addedById.get(id)?.content ?? this.idToToken[id];
  }

  /** Whether `id` is a token of this tokenizer (its vocabulary or an added token). */
  hasToken(id: number): boolean {
    return this.addedById.has(id) || this.idToToken[id] !== undefined;
  }

  tokenBytes(id: number): Uint8Array {
    let bytes = this.tokenBytesCache.get(id);
    if (bytes) return bytes;
    const added = this.addedById.get(id);
    const tok = this.idToToken[id];
    if (added) bytes = utf8Encode(added.content);
    else if (tok === undefined) throw new TokenwiseError('input', `${this.name} has no token ${id}.`);
    else if (this.byteLevel) {
      const out: number[] = [];
      for (const ch of tok) {
        const b = this.byteDecoder.get(ch);
        if (b !== undefined) out.push(b);
        else out.push(...utf8Encode(ch));
      }
      bytes = Uint8Array.from(out);
    } else {
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(tok);
      if (m) bytes = Uint8Array.of(parseInt(m[1]!, 16));
      else {
        let s = tok;
        for (const [from, to] of this.decoderReplaces) s = s.split(from).join(to);
        bytes = utf8Encode(s);
      }
    }
    this.tokenBytesCache.set(id, bytes);
    return bytes;
  }
}

/** @huggingface/tokenizers itself, as the reference the benchmarks compare with (ids without BOS/EOS). */
export interface ReferenceHuggingFace {
  encode(text: string): number[];
  decode(ids: readonly number[]): string;
}

export function referenceHuggingFace(json: TokenizerJson, config: Record<string, unknown> = {}): ReferenceHuggingFace {
  const tokenizer = new ReferenceTokenizer(json as never, config);
  return {
    encode: (text) => tokenizer.encode(text, { add_special_tokens: false }).ids,
    decode: (ids) => (ids.length ? tokenizer.decode([...ids], { skip_special_tokens: false }) : ''),
  };
}
