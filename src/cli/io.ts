import { readRegularFile } from '../core/base/files';
import { decodeText } from '../core/base/document';

/** Largest input file the CLI reads (bytes). */
export const maxInputFileBytes = 256 * 1024 * 1024;

/** Reads a text file named on the command line, with one-line errors for the usual mistakes. */
export function readTextFile(path: string, maxBytes = maxInputFileBytes, limitHint?: string): string {
  // Only regular files, size checked on the open descriptor (/dev/zero, FIFOs: one-line refusal).
  const bytes = readRegularFile(path, { maxBytes, ...(limitHint ? { limitHint } : {}) });
  // VS Code drops a UTF-8 BOM from the document text; the CLI does the same so offsets agree.
  const text = decodeText(bytes, path);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function printJson(io: { stdout(text: string): void }, value: unknown): void {
  io.stdout(JSON.stringify(value) + '\n');
}
