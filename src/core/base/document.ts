import { TokenwiseError } from './errors';

/** Bytes inspected to decide whether content is binary. */
const sniffBytes = 8192;

/**
 * Decides whether bytes look like a binary file rather than text: a NUL byte run or many control
 * characters in the first block, or UTF-8 that does not decode. Text with a stray NUL stays text.
 */
export function looksBinary(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, sniffBytes);
  if (n === 0) return false;
  let control = 0;
  let nulRun = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) {
      if (++nulRun >= 2) return true;
    } else nulRun = 0;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  if (control / n > 0.1) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n - trailingPartialChar(bytes, n)));
    return false;
  } catch {
    return true;
  }
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

/** Decodes a file's bytes as UTF-8 text, refusing binary content with a clear message. */
export function decodeText(bytes: Uint8Array, name: string): string {
  if (looksBinary(bytes)) throw new TokenwiseError('input', `${name} looks like a binary file; Tokenwise works on text.`);
  return new TextDecoder('utf-8').decode(bytes);
}
