import { TokenwiseError } from './errors';

/** Bytes inspected to decide whether content is binary. */
const sniffBytes = 8192;

/** Fatal (never replaces bytes) and keeping a BOM in the text (`ignoreBOM`: do not strip it). */
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** NUL runs or many control characters in the first block: binary whatever its encoding. */
function hasBinaryControls(bytes: Uint8Array, n: number): boolean {
  let control = 0;
  let nulRun = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) {
      if (++nulRun >= 2) return true;
    } else nulRun = 0;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return control / n > 0.1;
}

/**
 * Decides whether bytes look like a binary file rather than text: a NUL byte run or many control
 * characters in the first block, or UTF-8 that does not decode. Text with a stray NUL stays text.
 * (A quick sniff for skipping files; `decodeText` checks the whole file.)
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, sniffBytes);
  if (n === 0) return false;
  if (hasBinaryControls(bytes, n)) return true;
  try {
    fatalUtf8.decode(bytes.subarray(0, n - trailingPartialChar(bytes, n)));
    return false;
  } catch {
    return true;
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (bytes.length if none). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const cont = (i: number, lo = 0x80, hi = 0xbf) => i < bytes.length && bytes[i]! >= lo && bytes[i]! <= hi;
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let len: number;
    if (b < 0x80) len = 1;
    else if (b >= 0xc2 && b <= 0xdf) len = cont(i + 1) ? 2 : 0;
    else if (b >= 0xe0 && b <= 0xef) len = cont(i + 1, b === 0xe0 ? 0xa0 : 0x80, b === 0xed ? 0x9f : 0xbf) && cont(i + 2) ? 3 : 0;
    else if (b >= 0xf0 && b <= 0xf4) len = cont(i + 1, b === 0xf0 ? 0x90 : 0x80, b === 0xf4 ? 0x8f : 0xbf) && cont(i + 2) && cont(i + 3) ? 4 : 0;
    else len = 0;
    if (len === 0) return i;
    i += len;
  }
  return bytes.length;
}

/** Bytes at the end of `bytes[0..n)` that belong to a UTF-8 character cut by the sniff window. */
function trailingPartialChar(bytes: Uint8Array, n: number): number {
  if (n === bytes.length) return 0;
  for (let k = 1; k <= 3 && k <= n; k++) {
    const b = bytes[n - k]!;
    if ((b & 0xc0) !== 0x80) {
      const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      return len > k ? k : 0;
    }
  }
  return 0;
}

/**
 * Decodes a file's bytes as UTF-8 text, exactly: binary content and invalid UTF-8 anywhere in
 * the file (not only in the first block) are refused — bytes are never replaced by U+FFFD. A BOM
 * is kept in the text (callers that drop it, as VS Code does, drop exactly one).
 */
export function decodeText(bytes: Uint8Array, name: string): string {
  const n = Math.min(bytes.length, sniffBytes);
  if (n > 0 && hasBinaryControls(bytes, n)) throw new TokenwiseError('input', `${name} looks like a binary file; Tokenwise works on text.`);
  try {
    return fatalUtf8.decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new TokenwiseError('input', `${name} is not valid UTF-8 (invalid byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')} at offset ${at}); Tokenwise works on UTF-8 text and does not replace bytes.`);
  }
}
