/**
 * Bytes of a raw vocabulary string as servers return it (vLLM `return_token_strs` =
 * `convert_ids_to_tokens`): GPT-2 byte-level strings (`Ġret`), SentencePiece pieces (`▁ret`,
 * `<0x0A>`), or plain text.
 */

let unicodeToByte: Map<number, number> | undefined;

/** The inverse of GPT-2's `bytes_to_unicode`. */
function byteLevelTable(): Map<number, number> {
  if (unicodeToByte) return unicodeToByte;
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++)
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  unicodeToByte = new Map(cs.map((c, i) => [c, bs[i]!]));
  return unicodeToByte;
}

const encoder = new TextEncoder();

export function tokenStringBytes(s: string): Uint8Array {
  const hex = /^<0x([0-9A-Fa-f]{2})>$/.exec(s);
  if (hex) return Uint8Array.of(parseInt(hex[1]!, 16));
  if (s.includes('▁')) return encoder.encode(s.replace(/▁/g, ' '));
  const table = byteLevelTable();
  const out: number[] = [];
  for (const ch of s) {
    const b = table.get(ch.codePointAt(0)!);
    if (b === undefined) return encoder.encode(s); // not byte-level: plain text
    out.push(b);
  }
  return Uint8Array.from(out);
}
