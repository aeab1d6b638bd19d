/** Decides whether a document's text looks binary (many NULs or control characters). */
export function looksBinaryText(text: string): boolean {
  const n = Math.min(text.length, 8192);
  if (n === 0) return false;
  let control = 0;
  let nulRun = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) {
      if (++nulRun >= 2) return true;
    } else nulRun = 0;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) control++;
    else if (c === 0xfffd) control++; // undecodable bytes shown as U+FFFD
  }
  return control / n > 0.1;
}
