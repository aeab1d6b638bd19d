/**
 * OpenAI encodings. This is the only module that loads `tiktoken` (WASM): it is used to read the
 * mergeable ranks once (`decode_single_token_bytes` for every id) and as the reference encoder in
 * tests and the benchmark. Tokenization itself runs in TypeScript (rank BPE + piece cache), which
 * gives exact byte spans and is faster than the WASM for code.
 *
 * Limitation: the pre-tokenizer regex runs on V8's Unicode tables, tiktoken's on those of the Rust
 * regex crate; a character assigned in a recent Unicode version (e.g. U+0C5C, Unicode 16) can be
 * a letter for one and not the other, and then ids differ around it. Long-assigned characters
 * (everything in the tests' fuzz corpus, all real code in the benchmark) agree.
 *
 * tiktoken is imported statically (one importer, no lazy require, checked by the architecture test);
 * its WASM is compiled when the bundle starts (about 17 ms). The WASM is found by tiktoken's own loader: next to the bundle (`dist/tiktoken_bg.wasm`, copied
 * by esbuild.mjs, through `__dirname`) or in `node_modules/tiktoken` when running from source.
 */
import { get_encoding } from 'tiktoken';
import { TokenwiseError, describeError } from '../base/errors';
import { PipelineEngine, PipelineTokenizer } from './engine';
import { StickyScanner, tiktokenPatternToJs } from './pretokenize';
import { FastTiktokenScanner } from './fastscan';
import { rankBpe } from './bpe';
import { makePieceEntry, type PieceEntry } from './spans';
import type { TiktokenEncodingName } from './types';
import { bytesToKey, keyToBytes, latin1Key, utf8Encode } from '../base/utf8';

const r50kPattern = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** Pre-tokenizer patterns and special tokens, as in tiktoken's registry. */
const encodings: Record<TiktokenEncodingName, { pattern: string; special: Record<string, number> }> = {
  o200k_base: {
    pattern:
      "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    special: { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 },
  },
  cl100k_base: {
    pattern: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
    special: { '<|endoftext|>': 100257, '<|fim_prefix|>': 100258, '<|fim_middle|>': 100259, '<|fim_suffix|>': 100260, '<|endofprompt|>': 100276 },
  },
  p50k_base: { pattern: r50kPattern, special: { '<|endoftext|>': 50256 } },
  p50k_edit: { pattern: r50kPattern, special: { '<|endoftext|>': 50256, '<|fim_prefix|>': 50281, '<|fim_middle|>': 50282, '<|fim_suffix|>': 50283 } },
  r50k_base: { pattern: r50kPattern, special: { '<|endoftext|>': 50256 } },
  gpt2: { pattern: r50kPattern, special: { '<|endoftext|>': 50256 } },
};

/** Raw tiktoken WASM encoder (reference for tests and the benchmark). Call `free()`. */
export interface ReferenceEncoder {
  encodeOrdinary(text: string): Uint32Array;
  free(): void;
}

export function referenceTiktoken(name: TiktokenEncodingName): ReferenceEncoder {
  const enc = getEncoding(name);
  return {
    encodeOrdinary: (text) => enc.encode_ordinary(text),
    free: () => enc.free(),
  };
}

interface RankTable {
  ranks: Map<string, number>;
  keys: string[];
}
const rankTables = new Map<TiktokenEncodingName, RankTable>();

/** Mergeable ranks (binary string → id), read once from the WASM encoder. */
function loadRanks(name: TiktokenEncodingName): RankTable {
  let table = rankTables.get(name);
  if (table) return table;
  const special = new Set(Object.values(encodings[name].special));
  const enc = getEncoding(name);
  try {
    // Mergeable ids are 0..n-1 except where a special token sits (p50k: 50256); decoding an id
    // that does not exist would trap inside the WASM, so only known ids are decoded.
    const n = enc.token_byte_values().length;
    const ranks = new Map<string, number>();
    const keys: string[] = [];
    for (let id = 0; ranks.size < n; id++) {
      if (special.has(id)) continue;
      const key = bytesToKey(enc.decode_single_token_bytes(id));
      keys[id] = key;
      ranks.set(key, id);
    }
    if (ranks.size !== n) throw new TokenwiseError('internal', `tiktoken ${name}: mergeable ids are not dense (${ranks.size} of ${n}).`);
    table = { ranks, keys };
  } finally {
    enc.free();
  }
  rankTables.set(name, table);
  return table;
}

export class TiktokenTokenizer extends PipelineTokenizer {
  readonly name: string;
  readonly vocabSize: number;
  readonly engine: PipelineEngine;
  private readonly keys: string[];
  private readonly specialById = new Map<number, string>();

  constructor(readonly encoding: TiktokenEncodingName) {
    super();
    const spec = encodings[encoding];
    const { ranks, keys } = loadRanks(encoding);
    this.name = encoding;
    this.keys = keys;
    let max = keys.length - 1; // keys may have holes where special ids sit
    for (const [content, id] of Object.entries(spec.special)) {
      this.specialById.set(id, content);
      max = Math.max(max, id);
    }
    this.vocabSize = max + 1;
    const encodePiece = (piece: string): PieceEntry => {
      const key = latin1Key(piece);
      const ids: number[] = [];
      const lens: number[] = [];
      const whole = ranks.get(key);
      if (whole !== undefined) {
        ids.push(whole);
        lens.push(key.length);
      } else rankBpe(key, ranks, ids, lens);
      return makePieceEntry(piece, ids, lens);
    };
    this.engine = new PipelineEngine({
      name: encoding,
      // o200k/cl100k: hand-written ASCII pre-tokenizer with the regex for everything else.
      scanner:
        encoding === 'o200k_base' || encoding === 'cl100k_base'
          ? new FastTiktokenScanner(tiktokenPatternToJs(spec.pattern), encoding === 'o200k_base' ? 'o200k' : 'cl100k')
          : new StickyScanner(tiktokenPatternToJs(spec.pattern)),
      normalizer: null,
      encodePiece,
      added: null,
      lookahead: 8,
    });
  }

  tokenBytes(id: number): Uint8Array {
    const key = this.keys[id];
    if (key !== undefined) return keyToBytes(key);
    const special = this.specialById.get(id);
    if (special !== undefined) return utf8Encode(special);
    throw new TokenwiseError('input', `${this.name} has no token ${id}.`);
  }

  tokenString(id: number): string | undefined {
    return this.specialById.get(id);
  }
}

function getEncoding(name: TiktokenEncodingName): ReturnType<typeof get_encoding> {
  try {
    return get_encoding(name);
  } catch (error) {
    throw new TokenwiseError('internal', `Cannot load the tiktoken encoding ${name} (tiktoken_bg.wasm next to the bundle or in node_modules/tiktoken): ${describeError(error)}`, { cause: error });
  }
}
