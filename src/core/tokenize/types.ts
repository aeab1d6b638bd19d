/**
 * Plain-data types of the tokenizer layer. Offsets `start`/`end` are UTF-16 code units of the
 * document text (VS Code offsets); `byteStart`/`byteEnd` are UTF-8 byte offsets of the same text.
 */

/** Bit flags per token (see `TokenSpans.flags`). */
export const TokenFlag = {
  /** The token starts inside a multi-byte character (its UTF-16 span starts after that character). */
  splitStart: 1,
  /** The token ends inside a multi-byte character; the whole character is given to this token. */
  splitEnd: 2,
  /** The token is the first token of a pre-token (regex piece): tokenization can restart here. */
  pieceStart: 4,
  /** The token covers text the tokenizer's normalizer changed (NFC, prepended "▁", stripped spaces): its bytes differ from the document's. */
  normalized: 8,
  /** The token is an added (non-special) token of a tokenizer.json matched in the text. */
  added: 16,
} as const;

export interface TokenSpan {
  id: number;
  /** UTF-16 offsets in the document; a token entirely inside a character split by an earlier token has start === end. */
  start: number;
  end: number;
  /** UTF-8 byte offsets in the document (exact, also inside a split character). */
  byteStart: number;
  byteEnd: number;
  /** The token starts or ends inside a multi-byte character. */
  splitsChar?: boolean;
  /** The token covers text changed by the tokenizer's normalizer. */
  normalized?: boolean;
}

/** A document edit: text[start, oldEnd) of the previous text became text[start, newEnd) of the new one. */
export interface TextEdit {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** The tokenizer choices of the setting `tokenwise.tokenizer`, plus a path to a tokenizer.json. */
export type TiktokenEncodingName = 'o200k_base' | 'cl100k_base' | 'p50k_base' | 'r50k_base' | 'p50k_edit' | 'gpt2';
export const tiktokenEncodingNames: readonly TiktokenEncodingName[] = ['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base', 'p50k_edit', 'gpt2'];

export type TokenizerSpec =
  | { kind: 'tiktoken'; encoding: TiktokenEncodingName }
  | { kind: 'tokenizer.json'; path: string; label?: string; addedTokens?: 'non-special' | 'ordinary' };
