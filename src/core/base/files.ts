/**
 * Reading files named by users (input files, tokenizer.json, model configs): only regular files,
 * the size checked on the open descriptor (fstat, so /dev/zero or a FIFO whose stat size is 0
 * cannot slip through), and the read bounded by that size. FIFOs are opened non-blocking, so
 * naming one never waits for a writer.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { TokenwiseError, type ErrorKind } from './errors';

export interface ReadFileOptions {
  /** Largest accepted size in bytes. */
  maxBytes: number;
  /** Error kind for refusals (default 'input'). */
  kind?: ErrorKind;
  /** How the file is named in messages (default: its path). */
  label?: string;
  /** Appended to the "too large" message (e.g. which flag lifts the limit). */
  limitHint?: string;
}

/** What a non-regular file is, for messages. */
export function fileKind(stat: Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${+(n / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${+(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

function notRegular(label: string, stat: Stats, kind: ErrorKind): TokenwiseError {
  if (stat.isDirectory()) return new TokenwiseError(kind, `${label} is a directory, not a file.`);
  return new TokenwiseError(kind, `${label} is ${fileKind(stat)}, not a regular file; Tokenwise reads only regular files.`);
}

function openError(label: string, error: unknown, kind: ErrorKind): TokenwiseError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new TokenwiseError(kind, `Cannot read ${label}: no such file.`);
  if (code === 'EACCES' || code === 'EPERM') return new TokenwiseError(kind, `Cannot read ${label}: permission denied.`);
  return new TokenwiseError(kind, `Cannot read ${label}: ${code ?? String(error)}.`);
}

/** Reads a regular file, at most `maxBytes` (checked on the open descriptor). */
export function readRegularFile(path: string, options: ReadFileOptions): Buffer {
  const kind = options.kind ?? 'input';
  const label = options.label ?? path;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (error) {
    throw openError(label, error, kind);
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw notRegular(label, stat, kind);
    if (stat.size > options.maxBytes)
      throw new TokenwiseError(kind, `${label} is too large (${formatBytes(stat.size)}; limit ${formatBytes(options.maxBytes)})${options.limitHint ? `; ${options.limitHint}` : ''}.`);
    // Bounded by the size seen on the descriptor: a file that grows meanwhile is read up to that size.
    const buffer = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = readSync(fd, buffer, read, stat.size - read, null);
      if (n === 0) break;
      read += n;
    }
    return read === stat.size ? buffer : buffer.subarray(0, read);
  } catch (error) {
    if (error instanceof TokenwiseError) throw error;
    throw openError(label, error, kind);
  } finally {
    closeSync(fd);
  }
}

/** Checks that `path` is a regular file (for files another library opens by name, e.g. the ONNX model). */
export function assertRegularFile(path: string, options: { kind?: ErrorKind; label?: string } = {}): Stats {
  const kind = options.kind ?? 'input';
  const label = options.label ?? path;
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    throw openError(label, error, kind);
  }
  if (!stat.isFile()) throw notRegular(label, stat, kind);
  return stat;
}
