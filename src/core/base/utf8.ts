/** UTF-8 helpers over JS strings (UTF-16). A lone surrogate counts as U+FFFD (3 bytes), as TextEncoder writes it. */

/** UTF-8 length of the code point whose first UTF-16 unit is at `i`, and how many units it takes. */
export function utf8LengthAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 4;
  }
  return 3;
}

/** UTF-16 units taken by the code point at `i` (2 for a valid surrogate pair, else 1). */
export function unitsAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return 2;
  }
  return 1;
}

/** UTF-8 byte length of text[from, to). */
export function utf8Length(text: string, from = 0, to = text.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < to ? text.charCodeAt(i + 1) : 0;
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

const encoder = new TextEncoder();
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

const decoder = new TextDecoder('utf-8');
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** The bytes of a string as a "binary string" (one char per byte, 0..255): a cheap Map key. */
export function latin1Key(text: string): string {
  let ascii = true;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 0x80) { ascii = false; break; }
  if (ascii) return text;
  const bytes = encoder.encode(text);
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  return s;
}

export function bytesToKey(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) s += String.fromCharCode(...bytes.subarray(i, Math.min(bytes.length, i + 4096)));
  return s;
}

export function keyToBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += bytes[i]!.toString(16).padStart(2, '0');
  return s;
}

const lenientDecoder = new TextDecoder();

/** Where the bytes end before an incomplete trailing UTF-8 character (their length when there is none). */
export function utf8CompleteEnd(bytes: Uint8Array): number {
  let end = bytes.length;
  for (let k = 1; k <= 3 && k <= bytes.length; k++) {
    const b = bytes[bytes.length - k]!;
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    if (need > k) end = bytes.length - k;
    break;
  }
  return end;
}

/** Decodes bytes as UTF-8, dropping an incomplete trailing character (generation may stop inside one). */
export function utf8DecodeComplete(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes.subarray(0, utf8CompleteEnd(bytes)));
}
