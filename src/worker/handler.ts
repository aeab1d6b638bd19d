/**
 * The worker side of the protocol, independent of `worker_threads` so it can be tested directly:
 * `createWorkerHandler(post)` returns the function that handles each message from the host.
 */
import { TokenwiseError, assertNever, describeError } from '../core/base/errors';
import type { InferenceBackend } from '../core/inference/types';
import { OnnxEngine } from '../core/inference/onnx/engine';
import type { EngineMethod, HostToWorker, ParamsOf, RequestMessage, ResultOf, SerializedError, WorkerToHost } from '../core/protocol/engine';

export interface WorkerHandler {
  onMessage(message: HostToWorker): void;
  /** Resolves when every running request has settled (tests). */
  idle(): Promise<void>;
  dispose(): Promise<void>;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof TokenwiseError) return { kind: error.kind, message: error.message };
  const message = describeError(error);
  if (/out of memory|allocation failed|bad_alloc/i.test(message)) return { kind: 'model', message: `Out of memory: ${message}` };
  return { kind: 'internal', message };
}

export function createWorkerHandler(post: (message: WorkerToHost) => void, searchFrom?: string): WorkerHandler {
  let engine: OnnxEngine | undefined;
  let loading: Promise<OnnxEngine | undefined> = Promise.resolve(undefined);
  const running = new Map<number, { controller: AbortController; done: Promise<void> }>();
  const log = (level: 'info' | 'warn' | 'error', message: string) => post({ type: 'log', level, message });

  let loadError: string | undefined;

  async function ready(): Promise<InferenceBackend> {
    const e = await loading;
    if (!e) throw new TokenwiseError('model', loadError ?? 'No model is loaded.');
    return e;
  }

  async function handle<M extends EngineMethod>(method: M, params: ParamsOf<M>, id: number, signal: AbortSignal, priority: RequestMessage['priority']): Promise<ResultOf<M>> {
    const m = method as EngineMethod;
    const opts = { signal, priority };
    switch (m) {
      case 'load': {
        const p = params as ParamsOf<'load'>;
        // Requests on the previous model are cancelled (they stop at their next step).
        for (const [otherId, r] of running) if (otherId !== id) r.controller.abort();
        // Requests that arrive from now on wait for the new model.
        const previousLoading = loading;
        engine = undefined;
        const next = (async () => {
          const previous = await previousLoading.catch(() => undefined);
          await previous?.dispose().catch(() => {});
          return OnnxEngine.load({ modelDir: p.modelPath, provider: p.executionProvider, threads: p.threads, kvCacheMB: p.kvCacheMB, searchFrom, log });
        })();
        loadError = undefined;
        loading = next.catch((error: unknown) => {
          loadError = describeError(error);
          return undefined;
        });
        engine = await next;
        return (await engine.info()) as ResultOf<M>;
      }
      case 'unload': {
        for (const [otherId, r] of running) if (otherId !== id) r.controller.abort();
        const previous = await loading.catch(() => undefined);
        engine = undefined;
        loading = Promise.resolve(undefined);
        await previous?.dispose();
        return { ok: true } as ResultOf<M>;
      }
      case 'info':
        return (await (await ready()).info()) as ResultOf<M>;
      case 'tokenize':
        return (await (await ready()).tokenize((params as ParamsOf<'tokenize'>).text)) as ResultOf<M>;
      case 'detokenize':
        return (await (await ready()).detokenize((params as ParamsOf<'detokenize'>).ids)) as ResultOf<M>;
      case 'score': {
        const p = params as ParamsOf<'score'>;
        return (await (await ready()).score(p.ids, { ...opts, topK: p.topK, prependBos: p.prependBos })) as ResultOf<M>;
      }
      case 'scoreText': {
        const p = params as ParamsOf<'scoreText'>;
        return (await (await ready()).scoreText(p.text, { ...opts, topK: p.topK })) as ResultOf<M>;
      }
      case 'nextToken': {
        const p = params as ParamsOf<'nextToken'>;
        return (await (await ready()).nextToken(p.ids, { ...opts, topK: p.topK })) as ResultOf<M>;
      }
      case 'nextLogprobs': {
        const p = params as ParamsOf<'nextLogprobs'>;
        return (await (await ready()).nextLogprobs(p.ids, opts)) as ResultOf<M>;
      }
      case 'generate': {
        const p = params as ParamsOf<'generate'>;
        const e = await ready();
        const g: Parameters<InferenceBackend['generate']>[1] = { ...opts, maxNewTokens: p.maxNewTokens };
        if (p.stopTokens) g.stopTokens = p.stopTokens;
        if (p.sampling) g.sampling = p.sampling;
        if (p.lookahead !== undefined) g.lookahead = p.lookahead;
        if (p.stream) g.onToken = (token) => post({ type: 'token', id, token });
        return (await e.generate(p.ids, g)) as ResultOf<M>;
      }
      case 'scoreCandidates': {
        const p = params as ParamsOf<'scoreCandidates'>;
        return (await (await ready()).scoreCandidates(p.prefix, p.candidates, opts)) as ResultOf<M>;
      }
      case 'setCacheBudget': {
        const e = await loading;
        e?.setCacheBudget((params as ParamsOf<'setCacheBudget'>).mb);
        return { ok: true } as ResultOf<M>;
      }
      default:
        return assertNever(m, 'engine method');
    }
  }

  return {
    onMessage(message) {
      if (message.type === 'cancel') {
        running.get(message.id)?.controller.abort();
        return;
      }
      if (message.type !== 'request') return;
      const controller = new AbortController();
      const done = handle(message.method, message.params, message.id, controller.signal, message.priority).then(
        (result) => post({ type: 'response', id: message.id, ok: true, result }),
        (error: unknown) => {
          const e = serializeError(error);
          if (e.kind !== 'cancelled') log('error', `${message.method}: ${e.message}`);
          post({ type: 'response', id: message.id, ok: false, error: e });
        },
      ).finally(() => running.delete(message.id));
      running.set(message.id, { controller, done });
    },
    async idle() {
      await Promise.all([...running.values()].map((r) => r.done));
    },
    async dispose() {
      for (const r of running.values()) r.controller.abort();
      await Promise.all([...running.values()].map((r) => r.done));
      const e = await loading.catch(() => undefined);
      await e?.dispose().catch(() => {});
    },
  };
}
