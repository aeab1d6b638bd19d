/**
 * Host side of the tokenizer thread (src/worker/tokenizerThread.ts), without `vscode`: the token
 * view and `tokenwise tokens` tokenize through it, so their own thread never runs a tokenizer. The
 * host's share per keystroke is posting the change and receiving transferred arrays.
 *
 * Watchdog: every request has a time budget from the moment it starts running in the thread
 * (`budgetMs(chars)`); a request that overruns it ends the thread (pure JavaScript, safe to
 * terminate at any point — unlike the inference worker inside ONNX Runtime), fails with a one-line
 * `TokenizerTooSlowError`, and a fresh thread takes over the other requests (the tokenizer and the
 * documents are sent again).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError, TokenwiseError } from '../core/base/errors';
import { TokenSpans, type TokenizerSpec } from '../core/tokenize';
import type { HostToTokenizer, SpansData, TokenizerInfo, TokenizerToHost } from '../core/protocol/tokenizer';

/** The part of `worker_threads.Worker` the client uses. */
export interface TokenizerWorkerLike {
  postMessage(message: HostToTokenizer, transfer?: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (message: TokenizerToHost) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

/** A request ran past its budget: the thread was ended. */
export class TokenizerTooSlowError extends TokenwiseError {
  constructor(message: string, readonly budgetMs: number) {
    super('input', message);
    this.name = 'TokenizerTooSlowError';
  }
}

/** Default budget: 2 s plus 2 µs per character (a linear tokenizer does 1 MB in well under 1 s). */
export function defaultTokenizerBudgetMs(chars: number): number {
  return 2000 + Math.ceil(chars / 500);
}

export interface TokenizerClientOptions {
  createWorker(): TokenizerWorkerLike;
  budgetMs?(chars: number): number;
  log?(level: 'info' | 'warn' | 'error', message: string): void;
  /** Milliseconds each message from the thread took to handle on this thread (benchmarks). */
  onSlice?(ms: number): void;
}

/** One change of a document: text[start, oldEnd) of the previous version became `text`. */
export interface DocumentChange {
  start: number;
  oldEnd: number;
  text: string;
}

type Job =
  | { kind: 'load'; spec: TokenizerSpec | null }
  | { kind: 'tokenize'; uri: string; version: number; getText: () => string; window?: { from: number; to: number } }
  | { kind: 'encode'; text: string; withBytes: boolean }
  | { kind: 'bytes'; ids: number[] };

interface Pending {
  job: Job;
  chars: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer?: ReturnType<typeof setTimeout>;
  /** Sent again after a `desync` answer already (once only). */
  retried?: boolean;
  /** The caller was answered already (superseded) or nobody waits (the reload of a fresh thread): the answer is ignored, the watchdog still runs. */
  detached?: boolean;
}

export interface EncodedText {
  spans: TokenSpans;
  /** Bytes of every id in `spans` (encode with `withBytes`). */
  bytes: Map<number, Uint8Array>;
}

const cancelSlots = 1024;
const loadBudgetMs = 60_000;

function toSpans(d: SpansData): TokenSpans {
  return new TokenSpans(d.tokenizer, d.ids, d.starts, d.byteStarts, d.flags, d.complete);
}

export class TokenizerClient {
  private worker: TokenizerWorkerLike | undefined;
  private cancel = new Int32Array(new SharedArrayBuffer(4 * cancelSlots));
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** The version of each document the thread has (or will have once its queue is through). */
  private readonly synced = new Map<string, number>();
  /** The running tokenize request per document (superseded by the next one). */
  private readonly latest = new Map<string, number>();
  private spec: TokenizerSpec | null = null;
  private info: TokenizerInfo | null = null;
  private disposed = false;

  constructor(private readonly options: TokenizerClientOptions) {}

  /** The loaded tokenizer (after `load`). */
  get current(): TokenizerInfo | null {
    return this.info;
  }

  private budget(chars: number): number {
    return (this.options.budgetMs ?? defaultTokenizerBudgetMs)(chars);
  }

  private ensureWorker(): TokenizerWorkerLike {
    if (this.disposed) throw new CancelledError();
    if (this.worker) return this.worker;
    const w = this.options.createWorker();
    this.worker = w;
    w.on('message', (m: TokenizerToHost) => {
      if (this.worker !== w) return;
      const t0 = this.options.onSlice ? performance.now() : 0;
      this.onMessage(m);
      if (this.options.onSlice) this.options.onSlice(performance.now() - t0);
    });
    w.on('error', (error: Error) => this.worker === w && this.restart(`tokenizer thread error: ${error.message}`));
    w.on('exit', (code: number) => this.worker === w && this.restart(`tokenizer thread exited (${code})`));
    w.postMessage({ type: 'init', cancel: this.cancel.buffer as SharedArrayBuffer });
    if (this.spec) {
      // A fresh thread: the tokenizer again (its result is not awaited; errors surface on the next requests).
      const id = this.nextId++;
      this.pending.set(id, { job: { kind: 'load', spec: this.spec }, chars: 0, resolve: () => {}, reject: () => {}, detached: true });
      w.postMessage({ type: 'load', id, spec: this.spec });
    }
    return w;
  }

  /** Ends the current thread and hands every request except `failedId` to a fresh one. */
  private restart(reason: string, failedId?: number): void {
    const old = this.worker;
    this.worker = undefined;
    this.synced.clear();
    void old?.terminate();
    this.options.log?.('warn', `Tokenizer thread restarted: ${reason}`);
    const requeue = [...this.pending.entries()].filter(([id]) => id !== failedId);
    this.pending.clear();
    this.cancel = new Int32Array(new SharedArrayBuffer(4 * cancelSlots));
    if (this.disposed) return;
    // The fresh thread now (it reloads the tokenizer meanwhile), not on the next keystroke.
    if (this.spec) this.ensureWorker();
    for (const [, p] of requeue) {
      if (p.timer) clearTimeout(p.timer);
      if (p.detached) continue;
      this.submit(p.job, p.chars, p.retried).then(p.resolve, p.reject);
    }
  }

  private submit<T>(job: Job, chars: number, retried = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let w: TokenizerWorkerLike;
      try {
        w = this.ensureWorker();
      } catch (error) {
        reject(error);
        return;
      }
      const id = this.nextId++;
      Atomics.store(this.cancel, id % cancelSlots, 0);
      const p: Pending = { job, chars, resolve: resolve as (v: unknown) => void, reject, retried };
      this.pending.set(id, p);
      this.post(w, id, job);
    });
  }

  private post(w: TokenizerWorkerLike, id: number, job: Job): void {
    switch (job.kind) {
      case 'load':
        w.postMessage({ type: 'load', id, spec: job.spec });
        return;
      case 'tokenize': {
        if (this.synced.get(job.uri) !== job.version) {
          w.postMessage({ type: 'open', uri: job.uri, version: job.version, text: job.getText() });
          this.synced.set(job.uri, job.version);
        }
        const length = this.pending.get(id)!.chars;
        w.postMessage({ type: 'tokenize', id, uri: job.uri, version: job.version, length, ...(job.window ? { window: job.window } : {}) });
        const before = this.latest.get(job.uri);
        if (before !== undefined) this.abandon(before);
        this.latest.set(job.uri, id);
        return;
      }
      case 'encode':
        w.postMessage({ type: 'encode', id, text: job.text, withBytes: job.withBytes });
        return;
      case 'bytes':
        w.postMessage({ type: 'bytes', id, ids: job.ids });
        return;
    }
  }

  /**
   * Cancels a request: the thread stops at its next check (or skips it), the caller gets
   * `CancelledError` now. It stays in the table until the thread answers, with its watchdog: a
   * superseded request that hangs still ends the thread.
   */
  private abandon(id: number): void {
    const p = this.pending.get(id);
    if (!p || p.detached) return;
    Atomics.store(this.cancel, id % cancelSlots, 1);
    const reject = p.reject;
    p.detached = true;
    p.resolve = () => {};
    p.reject = () => {};
    reject(new CancelledError());
  }

  private onMessage(m: TokenizerToHost): void {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'started') {
      const ms = p.job.kind === 'load' ? loadBudgetMs : this.budget(p.chars);
      p.timer = setTimeout(() => {
        const t0 = this.options.onSlice ? performance.now() : 0;
        this.overrun(m.id, ms);
        if (this.options.onSlice) this.options.onSlice(performance.now() - t0);
      }, ms);
      return;
    }
    this.pending.delete(m.id);
    if (p.timer) clearTimeout(p.timer);
    if (p.job.kind === 'tokenize' && this.latest.get(p.job.uri) === m.id) this.latest.delete(p.job.uri);
    if (p.detached) return;
    switch (m.type) {
      case 'loaded':
        if (p.job.kind === 'load' && p.job.spec === this.spec) this.info = m.info;
        p.resolve(m.info);
        return;
      case 'spans':
        if (p.job.kind === 'encode') p.resolve({ spans: toSpans(m.spans), bytes: new Map(m.bytes ?? []) } satisfies EncodedText);
        else p.resolve(toSpans(m.spans));
        return;
      case 'bytes':
        p.resolve(m.bytes);
        return;
      case 'error':
        if (m.kind === 'desync' && p.job.kind === 'tokenize' && !p.retried && !p.detached) {
          // The thread's copy is not the document: send the full text once more.
          this.synced.delete(p.job.uri);
          this.submit(p.job, p.chars, true).then(p.resolve, p.reject);
          return;
        }
        p.reject(m.kind === 'cancelled' ? new CancelledError() : new TokenwiseError(m.kind === 'desync' ? 'internal' : m.kind, m.message));
        return;
    }
  }

  private overrun(id: number, ms: number): void {
    const p = this.pending.get(id);
    if (!p) return;
    const what = this.info?.fromFile
      ? `this tokenizer's pre-tokenizer regex is too slow on this text (${this.info.name}: no result within ${ms} ms; stopped)`
      : `tokenizing this text took longer than ${ms} ms${this.info ? ` (${this.info.name})` : ''}; stopped`;
    const error = p.job.kind === 'load' ? new TokenizerTooSlowError(`loading the tokenizer took longer than ${ms} ms; stopped`, ms) : new TokenizerTooSlowError(what, ms);
    this.options.log?.('warn', error.message);
    this.restart(error.message, id);
    p.reject(error);
  }

  /** Loads the tokenizer in the thread (`null`: none); later requests use it. */
  async load(spec: TokenizerSpec | null): Promise<TokenizerInfo | null> {
    this.spec = spec;
    this.info = null;
    const info = await this.submit<TokenizerInfo | null>({ kind: 'load', spec }, 0);
    return info;
  }

  /** Mirrors one change of a document the thread holds (`null`: several changes or unknown: the next request sends the full text). */
  change(uri: string, version: number, change: DocumentChange | null): void {
    const had = this.synced.get(uri);
    if (had === undefined || !this.worker) return;
    if (change === null || had !== version - 1) {
      this.synced.delete(uri);
      return;
    }
    this.worker.postMessage({ type: 'edit', uri, version, start: change.start, oldEnd: change.oldEnd, text: change.text });
    this.synced.set(uri, version);
  }

  forget(uri: string): void {
    const before = this.latest.get(uri);
    if (before !== undefined) this.abandon(before);
    this.latest.delete(uri);
    if (this.synced.delete(uri)) this.worker?.postMessage({ type: 'forget', uri });
  }

  /**
   * Tokens of document `uri` at `version` (`length` UTF-16 units; `getText` is called only when
   * the thread needs the full text), whole or around `window`. A newer request for the same
   * document supersedes this one (it fails with `CancelledError`).
   */
  tokenize(uri: string, version: number, length: number, getText: () => string, window?: { from: number; to: number }): Promise<TokenSpans> {
    return this.submit<TokenSpans>({ kind: 'tokenize', uri, version, getText, ...(window ? { window } : {}) }, length);
  }

  /** Tokenizes a text once (CLI), with the bytes of the ids it uses; `signal` ends the thread at once. */
  async encode(text: string, options: { withBytes?: boolean; signal?: AbortSignal } = {}): Promise<EncodedText> {
    const signal = options.signal;
    if (signal?.aborted) throw new CancelledError();
    const job = this.submit<EncodedText>({ kind: 'encode', text, withBytes: options.withBytes ?? false }, text.length);
    if (!signal) return job;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        reject(new CancelledError());
        this.dispose();
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([job, aborted]);
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  /** The bytes of token ids (hover). */
  tokenBytes(ids: number[]): Promise<Uint8Array[]> {
    return this.submit<Uint8Array[]>({ kind: 'bytes', ids }, ids.length);
  }

  /** Ends the thread; pending requests fail with `CancelledError`. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new CancelledError());
    }
    this.pending.clear();
    void w?.terminate();
  }
}

/** Where the tokenizer thread's code is: dist/tokenizer.js next to the bundle, or the TypeScript source through tsx. */
export function tokenizerThreadEntry(dir: string = __dirname): { file: string; eval: boolean } {
  const bundled = join(dir, 'tokenizer.js');
  if (existsSync(bundled)) return { file: bundled, eval: false };
  for (const source of [join(dir, 'tokenizerThread.ts'), join(dir, '..', 'worker', 'tokenizerThread.ts'), join(dir, '..', '..', 'worker', 'tokenizerThread.ts'), join(dir, '..', '..', 'src', 'worker', 'tokenizerThread.ts')])
    if (existsSync(source)) return { file: `require('tsx/cjs'); require(${JSON.stringify(source)});`, eval: true };
  throw new TokenwiseError('internal', `The tokenizer thread (tokenizer.js) was not found next to ${dir}.`);
}

/** A client over a real thread (`dir`: where dist/tokenizer.js is; default: next to this bundle). */
export function createTokenizerClient(options: Omit<TokenizerClientOptions, 'createWorker'> & { dir?: string } = {}): TokenizerClient {
  const entry = tokenizerThreadEntry(options.dir);
  return new TokenizerClient({ ...options, createWorker: () => new Worker(entry.file, { eval: entry.eval }) as unknown as TokenizerWorkerLike });
}

/**
 * Tokenizes one text in a tokenizer thread and ends it (`tokenwise tokens`): the caller's thread
 * stays free, so `signal` (Ctrl-C) ends the work at once, even inside one long piece or a
 * catastrophic regex. Returns the spans and the bytes of every id they use.
 */
export async function encodeInThread(spec: TokenizerSpec, text: string, signal?: AbortSignal, options: { budgetMs?(chars: number): number; dir?: string } = {}): Promise<EncodedText & { name: string }> {
  if (signal?.aborted) throw new CancelledError();
  const client = createTokenizerClient(options);
  const onAbort = () => client.dispose();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const info = await client.load(spec);
    const encoded = await client.encode(text, { withBytes: true, ...(signal ? { signal } : {}) });
    return { ...encoded, name: info?.name ?? encoded.spans.tokenizer };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    client.dispose();
  }
}
