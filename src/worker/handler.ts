/**
 * The worker side of the protocol, independent of `worker_threads` so it can be tested directly:
 * `createWorkerHandler(post)` returns the function that handles each message from the host.
 * One handler per protocol method, in a table typed by the protocol map.
 */
import { TokenwiseError, describeError, isOutOfMemory, type LogLevel } from '../core/base/errors';
import { complete, createCompletionSession, type CompletionSession } from '../core/completion/pipeline';
import { completeIdentifiers } from '../core/completion/identifiers';
import { isRemoteSettings, loadBackend, type LoadedModel } from '../core/inference/factory';
import { createHttpTransport } from './httpTransport';
import { SyntaxService } from '../core/syntax';
import { createApiHandlers } from './apiHandlers';
import { createMetricsHandler } from './metrics';
import type { InferenceBackend, RequestOptions } from '../core/inference/types';
import type { CompletionParams, EngineMethod, EngineMethods, HostToWorker, ParamsOf, RequestMessage, ResultOf, SerializedError, WorkerToHost } from '../core/protocol/engine';

export interface WorkerHandler {
  onMessage(message: HostToWorker): void;
  /** Resolves when every running request has settled (tests). */
  idle(): Promise<void>;
  dispose(): Promise<void>;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof TokenwiseError) return { kind: error.kind, message: error.message };
  const message = describeError(error);
  if (isOutOfMemory(message)) return { kind: 'model', message: `Out of memory: ${message}` };
  return { kind: 'internal', message };
}

interface RequestContext extends RequestOptions {
  id: number;
  signal: AbortSignal;
}

type Handlers = { [M in EngineMethod]: (params: ParamsOf<M>, ctx: RequestContext) => Promise<ResultOf<M>> };

function capability<T>(method: T | undefined, name: string): T {
  if (!method) throw new TokenwiseError('model', `The loaded model's backend cannot ${name}.`);
  return method;
}

export function createWorkerHandler(post: (message: WorkerToHost) => void, searchFrom?: string): WorkerHandler {
  let loading: Promise<LoadedModel | undefined> = Promise.resolve(undefined);
  let loadError: string | undefined;
  /** Completion sessions of the loaded model, by FIM family setting. */
  let sessions = new Map<string, Promise<CompletionSession>>();
  const running = new Map<number, { controller: AbortController; done: Promise<void>; method: EngineMethod }>();
  /** One syntax service for the worker's features (trees cached per document, freed on dispose). */
  let syntaxService: SyntaxService | undefined;
  const syntax = () => (syntaxService ??= new SyntaxService());
  const metrics = createMetricsHandler(() => loading.catch(() => undefined), searchFrom);
  const log = (level: LogLevel, message: string) => post({ type: 'log', level, message });
  const api = createApiHandlers(syntax, log, () => loading.catch(() => undefined));

  async function model(): Promise<LoadedModel> {
    const m = await loading;
    if (!m) throw new TokenwiseError('model', loadError ?? 'No model is loaded.');
    return m;
  }
  const backend = async (): Promise<InferenceBackend> => (await model()).backend;
  const cancelOthers = (id: number) => {
    // Requests that do not use the model (the API index, the syntax service) keep running.
    for (const [otherId, r] of running) if (otherId !== id && !/^(api|syntax)\./.test(r.method)) r.controller.abort();
  };

  /** The completion session of the loaded model for a FIM family setting. */
  async function completionSession(family: CompletionParams['family']): Promise<CompletionSession> {
    const m = await model();
    let session = sessions.get(family);
    if (!session) {
      session = createCompletionSession(m.backend, m.tokenizer, family);
      sessions.set(family, session);
      session.catch(() => sessions.delete(family));
    }
    return session;
  }

  const handlers: Handlers = {
    async load(settings, { id }) {
      // Requests on the previous model are cancelled (they stop at their next step); requests
      // that arrive from now on wait for the new model.
      cancelOthers(id);
      const previous = loading;
      sessions = new Map();
      const next = (async () => {
        await (await previous.catch(() => undefined))?.backend.dispose().catch(() => {});
        return loadBackend(settings, { log, fetch: createHttpTransport(isRemoteSettings(settings) ? settings.proxy : undefined), ...(searchFrom ? { searchFrom } : {}) });
      })();
      loadError = undefined;
      loading = next.catch((error: unknown) => {
        loadError = describeError(error);
        return undefined;
      });
      return (await next).backend.info();
    },
    async unload(_params, { id }) {
      cancelOthers(id);
      const previous = await loading.catch(() => undefined);
      loading = Promise.resolve(undefined);
      sessions = new Map();
      await previous?.backend.dispose();
      return { ok: true };
    },
    async setCacheBudget({ mb }) {
      (await loading)?.setCacheBudget(mb);
      return { ok: true };
    },
    info: async () => (await backend()).info(),
    tokenize: async ({ text }) => (await backend()).tokenize(text),
    detokenize: async ({ ids }) => (await backend()).detokenize(ids),
    score: async ({ ids, ...options }, ctx) => (await backend()).score(ids, { ...options, signal: ctx.signal, priority: ctx.priority ?? 'background' }),
    generate: async ({ ids, ...options }, ctx) => (await backend()).generate(ids, { ...options, signal: ctx.signal, priority: ctx.priority ?? 'interactive', onToken: (token) => post({ type: 'token', id: ctx.id, token }) }),
    async nextLogprobs({ ids }, ctx) {
      const b = await backend();
      return capability(b.nextLogprobs, 'give the full next-token distribution').call(b, ids, ctx);
    },
    async tokenLogprobs({ ids, candidates }, ctx) {
      const b = await backend();
      return capability(b.tokenLogprobs, 'give logprobs of chosen tokens').call(b, ids, candidates, ctx);
    },
    async scoreCandidates({ prefix, candidates }, ctx) {
      const b = await backend();
      return capability(b.scoreCandidates, 'score candidates').call(b, prefix, candidates, ctx);
    },
    'syntax.parse': ({ args }) => syntax().parse(...args),
    'syntax.tokens': ({ args }) => syntax().tokens(...args),
    'syntax.declarations': ({ args }) => syntax().declarations(...args),
    'syntax.imports': ({ args }) => syntax().imports(...args),
    'syntax.statementAt': ({ args }) => syntax().statementAt(...args),
    'syntax.positionInfo': ({ args }) => syntax().positionInfo(...args),
    'syntax.errorsIn': ({ args }) => syntax().errorsIn(...args),
    'syntax.checkInsertion': ({ args }) => syntax().checkInsertion(...args),
    'syntax.parsesCleanly': ({ args }) => syntax().parsesCleanly(...args),
    metrics: (params, ctx) => metrics.measure(params, ctx.signal),
    ...api.handlers,
    async complete({ family, ...request }, ctx) {
      // The worker's syntax service serves the statement stages (unit, syntax stop, ranking).
      const apiContext = await api.contextFor(request);
      return complete({ ...(await completionSession(family)), syntax: syntax() }, { ...request, ...(apiContext ? { apiContext } : {}), signal: ctx.signal });
    },
    async completeIdentifiers({ family, ...request }, ctx) {
      return completeIdentifiers(await completionSession(family), syntax(), { ...request, signal: ctx.signal });
    },
  };

  function dispatch<M extends EngineMethod>(message: RequestMessage<M>, ctx: RequestContext): Promise<EngineMethods[M][1]> {
    const handler: Handlers[M] = handlers[message.method];
    return handler(message.params, ctx);
  }

  return {
    onMessage(message) {
      if (message.type === 'cancel') {
        running.get(message.id)?.controller.abort();
        return;
      }
      if (message.type !== 'request') return;
      const controller = new AbortController();
      const ctx: RequestContext = { id: message.id, signal: controller.signal, priority: message.priority };
      const done = Promise.resolve()
        .then(() => dispatch(message, ctx))
        .then(
          (result) => post({ type: 'response', id: message.id, ok: true, result }),
          (error: unknown) => {
            const e = serializeError(error);
            if (e.kind !== 'cancelled') log('error', `${message.method}: ${e.message}`);
            post({ type: 'response', id: message.id, ok: false, error: e });
          },
        )
        .finally(() => running.delete(message.id));
      running.set(message.id, { controller, done, method: message.method });
    },
    async idle() {
      await Promise.all([...running.values()].map((r) => r.done));
    },
    async dispose() {
      for (const r of running.values()) r.controller.abort();
      await Promise.all([...running.values()].map((r) => r.done));
      const m = await loading.catch(() => undefined);
      await m?.backend.dispose().catch(() => {});
      syntaxService?.dispose();
      metrics.dispose();
    },
  };
}
