import { readFileSync, statSync } from 'node:fs';
import { TokenwiseError } from '../core/base/errors';
import { decodeText } from '../core/base/document';

/** Reads a text file named on the command line, with one-line errors for the usual mistakes. */
export function readTextFile(path: string): string {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new TokenwiseError('input', `${path} is a directory, not a file.`);
    size = stat.size;
  } catch (error) {
    if (error instanceof TokenwiseError) throw error;
    throw new TokenwiseError('input', `Cannot read ${path}: no such file.`);
  }
  if (size > 256 * 1024 * 1024) throw new TokenwiseError('input', `${path} is too large (${size} bytes; limit 256 MiB).`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new TokenwiseError('input', `Cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'read error'}.`);
  }
  // VS Code drops a UTF-8 BOM from the document text; the CLI does the same so offsets agree.
  const text = decodeText(bytes, path);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function printJson(io: { stdout(text: string): void }, value: unknown): void {
  io.stdout(JSON.stringify(value) + '\n');
}
