/**
 * Errors raised by core code carry a one-line cause; adapters (CLI, editor) show `message` as is.
 * `kind` lets the edge pick an exit code or a notification without parsing text.
 */
export type ErrorKind = 'usage' | 'input' | 'model' | 'cancelled' | 'internal';

export class TokenwiseError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(oneLine(message), options);
    this.name = 'TokenwiseError';
  }
}

export class CancelledError extends TokenwiseError {
  constructor() {
    super('cancelled', 'The operation was cancelled.');
  }
}

/** Collapses whitespace so messages stay one line in logs, notifications and CLI output. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A one-line description of anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return oneLine(error.message || error.name);
  return oneLine(String(error));
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

export function assertNever(value: never, what = 'value'): never {
  throw new TokenwiseError('internal', `Unexpected ${what}: ${JSON.stringify(value)}`);
}

/** True when a native error message says memory ran out (ONNX Runtime, WASM, the C++ allocator). */
export function isOutOfMemory(message: string): boolean {
  return /out of memory|allocation failed|bad_alloc|Failed to allocate/i.test(message);
}

export type LogLevel = 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string) => void;
