/**
 * The `api.*` protocol handlers and the completion hook (project API signatures in the prompt),
 * over one ApiService. The model's likelihood of member names joins the ranking when the loaded
 * backend can score candidates (capability `candidateScoring`).
 */
import type { Log } from '../core/base/errors';
import type { LoadedModel } from '../core/inference/factory';
import type { NameScorer } from '../core/index';
import type { SyntaxService } from '../core/syntax';
import type { ApiMethods } from '../core/protocol/api';
import type { CompletionRequest } from '../core/completion/pipeline';
import type { ApiContext } from '../core/completion/context/apiContext';
import { ApiService } from './apiService';

type ApiHandlers = { [M in keyof ApiMethods]: (params: ApiMethods[M][0], ctx: { signal: AbortSignal }) => Promise<ApiMethods[M][1]> };

const encoder = new TextEncoder();

/** The backend's `scoreCandidates` as a NameScorer (last 256 tokens of context), or undefined without the capability. */
export async function modelNameScorer(model: LoadedModel | undefined): Promise<NameScorer | undefined> {
  if (!model?.tokenizer || !model.backend.scoreCandidates) return undefined;
  const info = await model.backend.info();
  if (!info.capabilities.candidateScoring) return undefined;
  const tokenizer = model.tokenizer;
  const backend = model.backend;
  return async (context, names, signal) => {
    const prefix = tokenizer.encode(encoder.encode(context)).slice(-256);
    const scores = await backend.scoreCandidates!(prefix, names.map((n) => tokenizer.encode(encoder.encode(n))), { ...(signal ? { signal } : {}), priority: 'interactive' });
    return scores.map((s) => s.logprob);
  };
}

export function createApiHandlers(syntax: () => SyntaxService, log: Log, model: () => Promise<LoadedModel | undefined>) {
  const service = new ApiService(syntax, log);
  const handlers: ApiHandlers = {
    'api.open': (params, ctx) => service.open(params, ctx.signal),
    'api.status': async () => service.status(),
    'api.update': ({ files }) => service.update(files),
    'api.remove': async ({ uris }) => service.remove(uris),
    'api.save': () => service.save(),
    'api.members': async (params, ctx) => service.members(params, service.options.modelRanking ? await modelNameScorer(await model()) : undefined, ctx.signal),
    'api.search': async ({ query, limit, languageId, uri }) => service.find(query, limit, languageId, uri),
    'api.answer': async (params, ctx) => {
      const loaded = await model().catch(() => undefined);
      const info = loaded ? await loaded.backend.info() : undefined;
      const why = !loaded ? 'no model is loaded' : info?.backend !== 'remote' ? 'a call answer needs an instruction-tuned model on a server (tokenwise.backend, tokenwise.remote.instruct); the embedded model is not one' : 'tokenwise.remote.instruct is off';
      return service.answer(params, loaded?.chat, why, info?.maxContext, ctx.signal);
    },
  };
  /** The request's API context, or the index's signatures for its document. */
  async function contextFor(request: Pick<CompletionRequest, 'apiContext' | 'documentUri' | 'prefix' | 'languageId'>): Promise<ApiContext | undefined> {
    if (request.apiContext || !request.documentUri) return request.apiContext;
    return service.promptContext(request.documentUri, request.prefix, request.languageId, service.options.contextTokens).catch(() => undefined);
  }
  return { handlers, contextFor, service };
}
