/**
 * General-purpose compressors as baselines for the model's bits per byte, on the same bytes:
 * `gzip -9` and Brotli (quality 11) through Node's zlib. xz and zstd have no implementation in
 * Node 20's zlib; an edge may add compressors of its own (`Compressor`) when it has one.
 */
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export interface Compressor {
  /** `gzip -9`, `brotli -q 11`, … */
  readonly name: string;
  /** Compressed size in bytes. */
  compressedBytes(data: Uint8Array): number;
}

export const gzip9: Compressor = {
  name: 'gzip -9',
  compressedBytes: (data) => gzipSync(data, { level: 9 }).length,
};

export const brotli11: Compressor = {
  name: 'brotli -q 11',
  compressedBytes: (data) =>
    brotliCompressSync(data, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }).length,
};

/** The compressors every scan runs. */
export const defaultCompressors: readonly Compressor[] = [gzip9, brotli11];

/** Compressors known to be missing here, for the report. */
export const unavailableCompressors: readonly string[] = ['xz -9', 'zstd -19'];
