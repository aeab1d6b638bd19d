/** float16 ↔ float32 for fp16-IO models (Node 20 has no Float16Array). */
let table: Float32Array | undefined;

function buildTable(): Float32Array {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac ? NaN : sign * Infinity;
    else t[h] = sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return t;
}

/** Converts `src` (raw float16 bits) into `out` (reused when large enough). */
export function float16ToFloat32(src: Uint16Array, out?: Float32Array): Float32Array {
  const t = (table ??= buildTable());
  const dst = out && out.length >= src.length ? out.subarray(0, src.length) : new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) dst[i] = t[src[i]!]!;
  return dst;
}
