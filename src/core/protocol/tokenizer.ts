/**
 * The protocol of the tokenizer thread (src/worker/tokenizerThread.ts, host side
 * src/worker/tokenizerClient.ts): a pure-JS thread that tokenizes for the token view and the CLI,
 * so that neither the extension host's thread nor the CLI's main thread ever runs a tokenizer (a
 * 1 MB single piece, a catastrophic tokenizer.json regex). It holds no native code, so the host can
 * terminate it at any time: that is the watchdog. Plain structured-cloneable data.
 *
 * The thread keeps a mirror of each document the host tokenizes (`open` = full text, `edit` = one
 * change) and its last spans, so a keystroke sends only the change and is re-tokenized
 * incrementally there.
 */
import type { ErrorKind } from '../base/errors';
import type { TokenizerSpec } from '../tokenize/types';

/** Plain arrays of a `TokenSpans` (transferred, not copied). */
export interface SpansData {
  tokenizer: string;
  ids: Int32Array;
  starts: Int32Array;
  byteStarts: Int32Array;
  flags: Uint8Array;
  complete: boolean;
}

export interface TokenizerInfo {
  name: string;
  vocabSize: number;
  /** True for a tokenizer.json (its pre-tokenizer regexes come from the file). */
  fromFile: boolean;
}

export type HostToTokenizer =
  /** First message: the shared cancellation flags (one Int32 per request id modulo its length). */
  | { type: 'init'; cancel: SharedArrayBuffer }
  | { type: 'load'; id: number; spec: TokenizerSpec | null }
  | { type: 'open'; uri: string; version: number; text: string }
  /** text[start, oldEnd) of the previous version became `text`; the result has version `version`. */
  | { type: 'edit'; uri: string; version: number; start: number; oldEnd: number; text: string }
  | { type: 'forget'; uri: string }
  /** Tokenize document `uri` at `version` (its length must be `length`), whole or the window [from, to). */
  | { type: 'tokenize'; id: number; uri: string; version: number; length: number; window?: { from: number; to: number } }
  /** Tokenize a text once (CLI); the result also carries the bytes of every id it uses. */
  | { type: 'encode'; id: number; text: string; withBytes: boolean }
  | { type: 'bytes'; id: number; ids: number[] };

export type TokenizerToHost =
  | { type: 'ready' }
  /** A request began to run (the watchdog's clock starts here, not when it was queued). */
  | { type: 'started'; id: number }
  | { type: 'loaded'; id: number; info: TokenizerInfo | null }
  | { type: 'spans'; id: number; spans: SpansData; bytes?: Array<[number, Uint8Array]> }
  | { type: 'bytes'; id: number; bytes: Uint8Array[] }
  /** `desync`: the thread's copy of the document is not at the asked version (the host sends the full text again). */
  | { type: 'error'; id: number; kind: ErrorKind | 'desync'; message: string };
