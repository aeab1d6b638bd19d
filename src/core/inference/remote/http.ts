/**
 * The HTTP side of the remote backends, over an injected `fetch`-like transport (core does no IO
 * of its own: the worker and the CLI pass `globalThis.fetch`, tests may pass anything with the
 * same shape). Timeouts, cancellation that aborts the request, bounded concurrency, retry with
 * backoff for idempotent calls only, one-line errors that carry the server's message and never
 * the API key or the prompt.
 */
import { CancelledError, TokenwiseError, describeError } from '../../base/errors';

/** The part of a fetch `Response` the clients read. */
export interface HttpResponse {
  readonly status: number;
  readonly ok: boolean;
  text(): Promise<string>;
  readonly body: ReadableStream<Uint8Array> | null;
}

export interface HttpRequestInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

/** A `fetch`-like function (globalThis.fetch fits). */
/** Fetch-like; a rejection whose error has `retryable: false` is never retried (the same TLS failure would repeat). */
export type HttpTransport = (url: string, init: HttpRequestInit) => Promise<HttpResponse>;

export interface HttpClientOptions {
  /** Server base URL (`http://127.0.0.1:8000`); a trailing `/v1` is kept off paths that have their own. */
  baseUrl: string;
  transport: HttpTransport;
  /** Sent as `Authorization: Bearer …`; never logged or put in an error. */
  apiKey?: string;
  /** Per-request timeout (default 30 s). Streaming requests time out when no data arrives for this long. */
  timeoutMs?: number;
  /** Most requests in flight at once (default 4); further ones queue. */
  maxConcurrent?: number;
  /** Retries of idempotent calls after a network error, 429 or 5xx (default 2). */
  retries?: number;
  /** First backoff delay (doubles each retry; default 200 ms). */
  backoffMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** True for calls without side effects (probes, tokenize, scoring): these are retried. */
  idempotent?: boolean;
  timeoutMs?: number;
}

/** An error response of the server: status and its message (kept for capability probing). */
export class HttpError extends TokenwiseError {
  constructor(
    readonly status: number,
    readonly serverMessage: string,
    message: string,
  ) {
    super('model', message);
    this.name = 'HttpError';
  }
}

/** The server's own message from an error body: OpenAI/vLLM `{error:{message}}`, llama.cpp `{error:{message}}`, Ollama `{error}`, FastAPI `{detail}`, or the text. */
export function serverMessage(body: string): string {
  try {
    const json = JSON.parse(body) as Record<string, unknown>;
    const error = json.error;
    if (typeof error === 'string') return error;
    if (error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string') return (error as { message: string }).message;
    if (typeof json.message === 'string') return json.message;
    if (typeof json.detail === 'string') return json.detail;
    if (Array.isArray(json.detail)) return json.detail.map((d) => (d && typeof d === 'object' && 'msg' in d ? String((d as { msg: unknown }).msg) : JSON.stringify(d))).join('; ');
  } catch {
    // not JSON
  }
  return body.trim().slice(0, 300) || '(empty body)';
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A counting semaphore: at most `limit` holders; waiters leave the queue when cancelled. */
class Semaphore {
  private active = 0;
  private readonly queue: Array<{ grant: () => void }> = [];
  constructor(private readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new CancelledError();
    if (this.active < this.limit) {
      this.active++;
      return () => this.release();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        reject(new CancelledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
    return () => this.release();
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next.grant();
    else this.active--;
  }

  get inFlight(): number {
    return this.active;
  }
}

/** A transport error marked `retryable: false` (a TLS certificate or handshake failure) fails the same way again. */
const permanentTransportFailure = (error: TokenwiseError) => (error.cause as { retryable?: unknown } | undefined)?.retryable === false;
const retryable = (status: number) => status === 429 || status === 502 || status === 503 || status === 504;

export class HttpClient {
  readonly baseUrl: string;
  private readonly semaphore: Semaphore;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(private readonly options: HttpClientOptions) {
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new TokenwiseError('usage', `The server URL '${options.baseUrl}' is not a valid URL (expected e.g. http://127.0.0.1:8000).`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TokenwiseError('usage', `The server URL must start with http:// or https:// (got ${url.protocol}).`);
    // Credentials in the URL would end up in logs: refuse them.
    if (url.username || url.password) throw new TokenwiseError('usage', 'Put the API key in the secret storage / TOKENWISE_API_KEY, not in the server URL.');
    this.baseUrl = url.origin + url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.semaphore = new Semaphore(Math.max(1, options.maxConcurrent ?? 4));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retries = Math.max(0, options.retries ?? 2);
    this.backoffMs = options.backoffMs ?? 200;
  }

  /** Requests in flight now (tests). */
  get inFlight(): number {
    return this.semaphore.inFlight;
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = { accept: json ? 'application/json' : 'text/event-stream, application/x-ndjson, application/json' };
    if (json) h['content-type'] = 'application/json';
    if (this.options.apiKey) h.authorization = `Bearer ${this.options.apiKey}`;
    return h;
  }

  /** `METHOD path` for messages: never the query, the body or the key. */
  private where(method: string, path: string): string {
    return `${method} ${this.baseUrl}${path}`;
  }

  /** One request with a timeout; the response is returned open (the caller reads the body). */
  private async send(method: 'GET' | 'POST', path: string, body: unknown, options: CallOptions, stream: boolean): Promise<{ response: HttpResponse; signal: AbortSignal; done: () => void; touch: () => void }> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const controller = new AbortController();
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, timeoutMs);
    };
    const onAbort = () => controller.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    arm();
    const fail = (error: unknown): never => {
      done();
      if (options.signal?.aborted) throw new CancelledError();
      if (timedOut) throw new TokenwiseError('model', `${this.where(method, path)} timed out after ${timeoutMs} ms (no answer from the server).`);
      if (error instanceof TokenwiseError) throw error;
      const cause = (error as { cause?: unknown })?.cause;
      const detail = cause ? describeError(cause) : describeError(error);
      throw new TokenwiseError('model', `${this.where(method, path)} failed: ${detail}`, { cause: error });
    };
    let response: HttpResponse;
    try {
      response = await this.options.transport(this.baseUrl + path, {
        method,
        headers: this.headers(!stream),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: controller.signal,
      });
    } catch (error) {
      return fail(error);
    }
    if (!response.ok) {
      let text = '';
      try {
        text = await response.text();
      } catch (error) {
        return fail(error);
      }
      done();
      const message = serverMessage(text);
      throw new HttpError(response.status, message, `${this.where(method, path)}: HTTP ${response.status}: ${message}`);
    }
    return { response, signal: controller.signal, done, touch: arm };
    // (the `fail` path above covers aborts during the request; body reads handle their own)
  }

  private async withRetry<T>(options: CallOptions, fn: () => Promise<T>): Promise<T> {
    const attempts = options.idempotent ? this.retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const again =
          attempt < attempts &&
          !(error instanceof CancelledError) &&
          (error instanceof HttpError ? retryable(error.status) : error instanceof TokenwiseError && !/timed out/.test(error.message) && !permanentTransportFailure(error));
        if (!again) throw error;
        await sleep(this.backoffMs * 2 ** (attempt - 1), options.signal);
      }
    }
  }

  /** A JSON request; the parsed body. */
  async json<T = unknown>(method: 'GET' | 'POST', path: string, body: unknown, options: CallOptions = {}): Promise<T> {
    const release = await this.semaphore.acquire(options.signal);
    try {
      return await this.withRetry(options, async () => {
        const { response, done, signal } = await this.send(method, path, body, options, false);
        let text: string;
        try {
          text = await response.text();
        } catch (error) {
          done();
          if (options.signal?.aborted) throw new CancelledError();
          if (signal.aborted) throw new TokenwiseError('model', `${this.where(method, path)} timed out after ${options.timeoutMs ?? this.timeoutMs} ms while reading the answer.`);
          throw new TokenwiseError('model', `${this.where(method, path)}: the connection broke while reading the answer (${describeError(error)}).`);
        }
        done();
        try {
          return JSON.parse(text) as T;
        } catch {
          throw new TokenwiseError('model', `${this.where(method, path)}: the server's answer is not JSON (${JSON.stringify(text.slice(0, 60))}…).`);
        }
      });
    } finally {
      release();
    }
  }

  /**
   * A streaming request (SSE `data:` lines or NDJSON): `onEvent` gets each parsed JSON event and
   * returns false to stop early (the request is then aborted, which closes the connection).
   * `data: [DONE]` ends the stream. Never retried.
   */
  async stream(path: string, body: unknown, onEvent: (event: unknown) => boolean | void, options: CallOptions = {}): Promise<void> {
    const release = await this.semaphore.acquire(options.signal);
    const local = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, local.signal]) : local.signal;
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    try {
      const { response, done, touch, signal: requestSignal } = await this.send('POST', path, body, { ...options, signal }, true);
      try {
        if (!response.body) throw new TokenwiseError('model', `${this.where('POST', path)}: the server sent no body.`);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        let stopped = false;
        const handleLine = (raw: string): boolean => {
          const line = raw.replace(/\r$/, '');
          if (!line || line.startsWith(':') || line.startsWith('event:') || line.startsWith('id:') || line.startsWith('retry:')) return true;
          const data = line.startsWith('data:') ? line.slice(5).trim() : line.trim();
          if (data === '[DONE]') return false;
          let event: unknown;
          try {
            event = JSON.parse(data);
          } catch {
            throw new TokenwiseError('model', `${this.where('POST', path)}: malformed stream event (${JSON.stringify(data.slice(0, 60))}).`);
          }
          if (event && typeof event === 'object' && 'error' in event && (event as { error: unknown }).error)
            throw new TokenwiseError('model', `${this.where('POST', path)}: ${serverMessage(JSON.stringify(event))}`);
          return onEvent(event) !== false;
        };
        try {
          for (;;) {
            const { value, done: end } = await reader.read();
            if (end) break;
            touch();
            buffer += decoder.decode(value, { stream: true });
            let nl: number;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, nl);
              buffer = buffer.slice(nl + 1);
              if (!handleLine(line)) {
                stopped = true;
                break;
              }
            }
            if (stopped) break;
          }
          if (!stopped && buffer.trim()) handleLine(buffer);
        } catch (error) {
          if (options.signal?.aborted) throw new CancelledError();
          if (requestSignal.aborted && !local.signal.aborted) throw new TokenwiseError('model', `${this.where('POST', path)} timed out: no data for ${timeoutMs} ms.`);
          if (error instanceof TokenwiseError) throw error;
          throw new TokenwiseError('model', `${this.where('POST', path)}: the stream broke (${describeError(error)}).`);
        } finally {
          // Closing early (a stop token, cancellation, an error) aborts the request: the server sees the connection close.
          if (stopped) local.abort();
          reader.cancel().catch(() => {});
        }
      } finally {
        done();
      }
    } finally {
      release();
    }
  }
}
