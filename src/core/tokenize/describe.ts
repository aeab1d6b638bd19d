/** Human-readable token text (for hovers and the CLI summary). */
import { toHex } from '../base/utf8';

/** Escapes control characters and whitespace so a token's text is visible on one line. */
export function escapeTokenText(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c === 0xfeff || c === 0x200b || c === 0x200d)
      out += c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c === 0xfffd) out += '\uFFFD';
    else out += ch;
  }
  return out;
}

/** Token bytes as text; bytes that are not complete UTF-8 are shown as \xNN. */
export function describeToken(bytes: Uint8Array): { text: string; hex: string; complete: boolean } {
  let complete = true;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    complete = false;
    // Decode the valid prefix/suffix around partial characters, escaping the stray bytes.
    text = '';
    let i = 0;
    while (i < bytes.length) {
      const b = bytes[i]!;
      const len = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 0;
      if (len > 0 && i + len <= bytes.length) {
        try {
          text += escapeTokenText(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(i, i + len)));
          i += len;
          continue;
        } catch {
          /* fall through */
        }
      }
      text += `\\x${b.toString(16).padStart(2, '0')}`;
      i++;
    }
    return { text, hex: toHex(bytes), complete };
  }
  return { text: escapeTokenText(text), hex: toHex(bytes), complete };
}

