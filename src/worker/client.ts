/**
 * Host side of the inference worker (extension host, CLI benchmarks), without `vscode`: starts the
 * worker, sends typed requests (src/core/protocol/engine.ts), forwards cancellation, and restarts
 * the worker when it dies (re-loading the last model), up to a limit.
 */
import { CancelledError, TokenwiseError, assertNever } from '../core/base/errors';
import { closeNativeGate, createNativeGateBuffer } from '../core/base/nativeGate';
import type { CompletionRequest, CompletionResult } from '../core/completion/pipeline';
import type { IdentifierRequest, IdentifierResult } from '../core/completion/identifiers';
import type { SyntaxQueries } from '../core/syntax';
import type {
  CandidateScore,
  GenerateOptions,
  GenerateResult,
  InferenceBackend,
  ModelInfo,
  Priority,
  RequestOptions,
  ScoreOptions,
  ScoreResult,
  ModelTokenSpan,
} from '../core/inference/types';
import type { CompletionParams, EngineMethod, EngineSettings, HostToWorker, ParamsOf, ResultOf, WorkerToHost } from '../core/protocol/engine';

/** The part of `worker_threads.Worker` the client uses. */
export interface WorkerLike {
  postMessage(message: HostToWorker): void;
  on(event: 'message', listener: (message: WorkerToHost) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  terminate(): Promise<number>;
}

export type EngineState =
  | { kind: 'stopped' }
  | { kind: 'loading'; settings: EngineSettings }
  | { kind: 'ready'; info: ModelInfo }
  | { kind: 'error'; message: string };

export interface WorkerClientOptions {
  createWorker(): WorkerLike;
  log(level: 'info' | 'warn' | 'error', message: string): void;
  /** A request failed (not cancelled): the editor shows model failures once. */
  onRequestError?(error: TokenwiseError, method: EngineMethod): void;
  /** Called when the worker died; `restarted` is false once the restart limit is reached. */
  onCrash?(reason: string, restarted: boolean): void;
  onStateChange?(state: EngineState): void;
  /** Restarts allowed within `restartWindowMs` (default 3 in 60 s). */
  maxRestarts?: number;
  restartWindowMs?: number;
}

interface Pending {
  method: EngineMethod;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  onToken?: (token: number) => void;
}

export class WorkerClient implements InferenceBackend {
  private worker: WorkerLike | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private settings: EngineSettings | undefined;
  private crashes: number[] = [];
  private disposed = false;
  private current: EngineState = { kind: 'stopped' };
  private loadPromise: Promise<ModelInfo> | undefined;
  /** Per thread: its native-call gate and a promise that settles when it has exited. */
  private readonly threads = new WeakMap<WorkerLike, { gate: SharedArrayBuffer; exited: Promise<void> }>();

  constructor(private readonly options: WorkerClientOptions) {}

  get state(): EngineState {
    return this.current;
  }

  private setState(state: EngineState): void {
    this.current = state;
    this.options.onStateChange?.(state);
  }

  private ensureWorker(): WorkerLike {
    if (this.disposed) throw new TokenwiseError('model', 'The inference engine was shut down.');
    if (this.worker) return this.worker;
    const worker = this.options.createWorker();
    this.worker = worker;
    const gate = createNativeGateBuffer();
    let exited!: () => void;
    this.threads.set(worker, { gate, exited: new Promise<void>((resolve) => (exited = resolve)) });
    worker.on('message', (m) => this.onMessage(m));
    worker.on('error', (error) => this.onWorkerGone(worker, `error: ${error.message}`));
    worker.on('exit', (code) => {
      exited();
      this.onWorkerGone(worker, `exit code ${code}`);
    });
    // First message: the gate around its native calls, closed before the thread is ever terminated.
    worker.postMessage({ type: 'gate', buffer: gate });
    return worker;
  }

  private onMessage(message: WorkerToHost): void {
    switch (message.type) {
      case 'ready':
        return;
      case 'log':
        this.options.log(message.level, message.message);
        return;
      case 'token':
        this.pending.get(message.id)?.onToken?.(message.token);
        return;
      case 'response': {
        const p = this.pending.get(message.id);
        if (!p) return;
        this.pending.delete(message.id);
        if (message.ok) p.resolve(message.result);
        else if (message.error.kind === 'cancelled') p.reject(new CancelledError());
        else {
          const error = new TokenwiseError(message.error.kind, message.error.message);
          this.options.onRequestError?.(error, p.method);
          p.reject(error);
        }
        return;
      }
      default:
        assertNever(message, 'worker message');
    }
  }

  private onWorkerGone(worker: WorkerLike, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    const error = new TokenwiseError('model', `The inference worker stopped (${reason}).`);
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    if (this.disposed) return;
    this.options.log('error', `inference worker stopped (${reason})`);
    const now = Date.now();
    const windowMs = this.options.restartWindowMs ?? 60_000;
    this.crashes = this.crashes.filter((t) => now - t < windowMs);
    this.crashes.push(now);
    const restart = this.crashes.length <= (this.options.maxRestarts ?? 3);
    this.options.onCrash?.(reason, restart);
    if (!restart) {
      this.setState({ kind: 'error', message: `The inference worker keeps stopping (${reason}); not restarting. Reload the window or change tokenwise.modelPath to try again.` });
      return;
    }
    this.options.log('info', 'restarting the inference worker');
    if (this.settings) void this.load(this.settings).catch(() => {});
    else this.setState({ kind: 'stopped' });
  }

  /** Sends one typed request. Aborting `signal` cancels it in the worker and rejects at once. */
  request<M extends EngineMethod>(method: M, params: ParamsOf<M>, options: RequestOptions & { onToken?: ((token: number) => void) | undefined } = {}): Promise<ResultOf<M>> {
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(new CancelledError());
    let worker: WorkerLike;
    try {
      worker = this.ensureWorker();
    } catch (error) {
      return Promise.reject(error);
    }
    const id = this.nextId++;
    const priority: Priority = options.priority ?? 'interactive';
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        this.worker?.postMessage({ type: 'cancel', id });
        reject(new CancelledError());
      };
      const pending: Pending = {
        method,
        resolve: (v) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(v as ResultOf<M>);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      if (options.onToken) pending.onToken = options.onToken;
      this.pending.set(id, pending);
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ type: 'request', id, method, params, priority } as HostToWorker);
    });
  }

  /** Loads (or reloads) a model in the worker; remembered for restarts. */
  load(settings: EngineSettings): Promise<ModelInfo> {
    this.settings = settings;
    this.setState({ kind: 'loading', settings });
    const p = this.request('load', settings).then(
      (info) => {
        if (this.loadPromise === p) this.setState({ kind: 'ready', info });
        return info;
      },
      (error: unknown) => {
        if (this.loadPromise === p) this.setState({ kind: 'error', message: error instanceof Error ? error.message : String(error) });
        throw error;
      },
    );
    this.loadPromise = p;
    return p;
  }

  /** The loaded model, waiting for a load in progress; rejects when no model is available. */
  async whenReady(): Promise<ModelInfo> {
    if (this.current.kind === 'ready') return this.current.info;
    if (this.current.kind === 'loading' && this.loadPromise) return this.loadPromise;
    if (this.current.kind === 'error') throw new TokenwiseError('model', this.current.message);
    throw new TokenwiseError('model', 'No model is loaded.');
  }

  setCacheBudget(mb: number): Promise<unknown> {
    if (this.settings) this.settings = { ...this.settings, kvCacheMB: mb };
    return this.request('setCacheBudget', { mb });
  }

  // ---- InferenceBackend: one line per method over `request` ------------------------------------
  async info(): Promise<ModelInfo> {
    await this.whenReady();
    return this.request('info', {});
  }
  async tokenize(text: string): Promise<ModelTokenSpan[]> {
    await this.whenReady();
    return this.request('tokenize', { text });
  }
  async detokenize(ids: readonly number[]): Promise<string> {
    await this.whenReady();
    return this.request('detokenize', { ids: [...ids] });
  }
  async score(ids: readonly number[], { signal, priority = 'background', ...params }: ScoreOptions = {}): Promise<ScoreResult> {
    await this.whenReady();
    return this.request('score', { ids: [...ids], ...params }, { signal, priority });
  }
  async generate(ids: readonly number[], { signal, priority = 'interactive', onToken, ...params }: GenerateOptions): Promise<GenerateResult> {
    await this.whenReady();
    return this.request('generate', { ids: [...ids], ...params }, { signal, priority, onToken });
  }
  async nextLogprobs(ids: readonly number[], { signal, priority = 'interactive' }: RequestOptions = {}): Promise<Float32Array> {
    await this.whenReady();
    return this.request('nextLogprobs', { ids: [...ids] }, { signal, priority });
  }
  async tokenLogprobs(ids: readonly number[], candidates: readonly number[], { signal, priority = 'interactive' }: RequestOptions = {}): Promise<number[]> {
    await this.whenReady();
    return this.request('tokenLogprobs', { ids: [...ids], candidates: [...candidates] }, { signal, priority });
  }
  async scoreCandidates(prefix: readonly number[], candidates: readonly (readonly number[])[], { signal, priority = 'interactive' }: RequestOptions = {}): Promise<CandidateScore[]> {
    await this.whenReady();
    return this.request('scoreCandidates', { prefix: [...prefix], candidates: candidates.map((c) => [...c]) }, { signal, priority });
  }

  /** Runs the completion pipeline in the worker, beside the model. */
  async complete({ signal, ...params }: CompletionRequest, family: CompletionParams['family'] = 'auto'): Promise<CompletionResult> {
    await this.whenReady();
    return this.request('complete', { ...params, family }, { signal, priority: 'interactive' });
  }

  /** The ranked identifier list at the cursor, computed in the worker (its time budget applies there). */
  async completeIdentifiers({ signal, ...params }: IdentifierRequest, family: CompletionParams['family'] = 'auto'): Promise<IdentifierResult> {
    await this.whenReady();
    return this.request('completeIdentifiers', { ...params, family }, { signal, priority: 'interactive' });
  }

  /**
   * Shuts the worker down: running requests are cancelled and the session released at a step
   * boundary (waiting at most `graceMs` for that), then the thread is terminated — but never
   * inside a native ONNX Runtime call, which would abort the whole process: the thread's
   * native-call gate is closed first and the running step (if any) allowed to finish.
   */
  async dispose(graceMs = 2000): Promise<void> {
    if (this.disposed) return;
    const worker = this.worker;
    if (worker) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.request('unload', {}).catch(() => undefined),
        new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
    }
    this.disposed = true;
    this.worker = undefined;
    const error = new TokenwiseError('model', 'The inference engine was shut down.');
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    this.setState({ kind: 'stopped' });
    if (!worker) return;
    const thread = this.threads.get(worker);
    if (thread) await closeNativeGate(thread.gate, thread.exited, () => this.options.log('info', 'waiting for the running model step to finish before ending the inference worker'));
    await worker.terminate();
  }
}


/**
 * The worker's syntax service seen from the host: the same `SyntaxQueries` interface, each call
 * one request (the editor's main thread never parses a whole file itself).
 */
export function workerSyntax(client: Pick<WorkerClient, 'request'>): SyntaxQueries {
  return {
    parse: (...args) => client.request('syntax.parse', { args }),
    tokens: (...args) => client.request('syntax.tokens', { args }),
    declarations: (...args) => client.request('syntax.declarations', { args }),
    imports: (...args) => client.request('syntax.imports', { args }),
    statementAt: (...args) => client.request('syntax.statementAt', { args }),
    positionInfo: (...args) => client.request('syntax.positionInfo', { args }),
    errorsIn: (...args) => client.request('syntax.errorsIn', { args }),
    checkInsertion: (...args) => client.request('syntax.checkInsertion', { args }),
    parsesCleanly: (...args) => client.request('syntax.parsesCleanly', { args }),
  };
}
