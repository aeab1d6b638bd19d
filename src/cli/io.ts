import { readRegularFile } from '../core/base/files';
import { decodeText } from '../core/base/document';
import { TokenwiseError } from '../core/base/errors';

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

/** The 1-based `--line` / `--col` of `text` as a UTF-16 offset (the line's end without `--col`). */
export function offsetAtLine(text: string, line: number | undefined, col: number | undefined, file: string): number {
  if (line === undefined) {
    if (col !== undefined) throw new TokenwiseError('usage', '--col needs --line.');
    return text.length;
  }
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  if (line > starts.length) throw new TokenwiseError('usage', `--line ${line} is past the end of ${file} (${starts.length} lines).`);
  const start = starts[line - 1]!;
  const end = line < starts.length ? starts[line]! - 1 : text.length;
  const lineEnd = text[end - 1] === '\r' ? end - 1 : end;
  if (col === undefined) return lineEnd;
  if (col - 1 > lineEnd - start) throw new TokenwiseError('usage', `--col ${col} is past the end of line ${line} (${lineEnd - start + 1} columns).`);
  return start + col - 1;
}
