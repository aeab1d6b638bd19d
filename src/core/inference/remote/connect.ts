/**
 * Connecting to a remote server: the HTTP client, the server kind, capability probing, the
 * tokenizer (a local tokenizer.json checked once against the server's `/tokenize`, or the
 * server's own), and one log line of what works and what degrades. Never logs the key or text.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TokenwiseError, type Log } from '../../base/errors';
import { ModelTokenizer } from '../../model/tokenizer';
import type { RemoteBackendSettings } from '../factory';
import { RemoteBackend } from './backend';
import { RemoteChat } from './chat';
import { HttpClient, type HttpTransport } from './http';
import { LlamaCppServer } from './llamacpp';
import { OllamaServer } from './ollama';
import { OpenAIServer } from './openai';
import { assertNever } from '../../base/errors';
import type { RemoteServer } from './types';
import { VllmServer } from './vllm';

export interface RemoteEnvironment {
  fetch: HttpTransport;
  log?: Log;
}

/** Text both tokenizers must agree on: indentation, an identifier split mid-word, digits, non-ASCII. */
export const tokenizerProbeText = 'def tokenwise_probe(values):\n    return [v * 2 for v in values]  # größe ✓ 12345\n\tconst x = "a\\tb";\n';

function createServer(settings: RemoteBackendSettings, http: HttpClient): RemoteServer {
  switch (settings.backend) {
    case 'openai':
      return new OpenAIServer(http, settings.model);
    case 'vllm':
      return new VllmServer(http, settings.model);
    case 'llamacpp':
      return new LlamaCppServer(http, settings.model);
    case 'ollama':
      return new OllamaServer(http, settings.model);
    default:
      return assertNever(settings.backend, 'remote backend');
  }
}

function loadTokenizer(path: string): { tokenizer: ModelTokenizer; generation: Record<string, unknown> } {
  const file = basename(path) === 'tokenizer.json' || path.endsWith('.json') ? path : join(path, 'tokenizer.json');
  const dir = dirname(file);
  const readJson = (name: string): Record<string, unknown> => {
    try {
      return JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  };
  return { tokenizer: ModelTokenizer.fromFile(file, readJson('tokenizer_config.json')), generation: { ...readJson('config.json'), ...readJson('generation_config.json') } };
}

const idList = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => Number.isInteger(x)) : Number.isInteger(v) ? [v as number] : []);

export async function connectRemote(settings: RemoteBackendSettings, env: RemoteEnvironment): Promise<{ backend: RemoteBackend; tokenizer: ModelTokenizer | null; chat?: RemoteChat }> {
  const log = env.log ?? (() => {});
  const http = new HttpClient({
    baseUrl: settings.url,
    transport: env.fetch,
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}),
    ...(settings.maxConcurrent ? { maxConcurrent: settings.maxConcurrent } : {}),
  });
  const server = createServer(settings, http);
  const probe = await server.probe();

  let tokenizer: ModelTokenizer | null = null;
  let generation: Record<string, unknown> = {};
  if (settings.tokenizerPath) {
    ({ tokenizer, generation } = loadTokenizer(settings.tokenizerPath));
    if (server.tokenize && probe.tokenize) {
      const local = tokenizer.encodeText(tokenizerProbeText);
      const remote = (await server.tokenize(tokenizerProbeText)).ids;
      const at = local.findIndex((id, i) => id !== remote[i]);
      if (at >= 0 || local.length !== remote.length) {
        const i = at >= 0 ? at : Math.min(local.length, remote.length);
        tokenizer.dispose();
        throw new TokenwiseError(
          'model',
          `${settings.tokenizerPath} does not match the server's tokenizer on a probe text (token ${i}: local ${local[i] ?? 'end'}, server ${remote[i] ?? 'end'}); point tokenwise.remote.tokenizerPath at the served model's tokenizer.json.`,
        );
      }
      probe.notes.push('tokenizer.json agrees with the server on the probe text');
    } else probe.notes.push(`tokenizer.json not checked: the ${server.kind} server has no tokenize endpoint`);
  } else {
    probe.notes.push(
      server.tokenize && probe.tokenize
        ? 'no local tokenizer.json: the server tokenizes; completion uses naive text prompts (set tokenwise.remote.tokenizerPath for exact/heal)'
        : 'no local tokenizer.json and no tokenize endpoint: completion uses naive text prompts; token view and heat map need tokenwise.remote.tokenizerPath',
    );
  }
  const vocabSize = Math.max(probe.vocabSize ?? 0, tokenizer?.vocabSize ?? 0);
  if (vocabSize === 0 && (probe.distribution || probe.candidates)) {
    probe.distribution = false;
    probe.candidates = false;
    probe.notes.push('token logprobs unused: the vocabulary size is unknown without a tokenizer.json');
  }
  if (!tokenizer && (probe.distribution || probe.candidates)) {
    // Byte-level boundary work needs the tokenizer's bytes: without one the logprob paths stay unused.
    probe.distribution = false;
    probe.candidates = false;
  }
  const maxContext = Math.max(8, Math.floor(settings.maxContext ?? probe.maxContext ?? 2048));
  let eos = idList(generation.eos_token_id);
  let bos: number | null = Number.isInteger(generation.bos_token_id) ? (generation.bos_token_id as number) : null;
  if (tokenizer) {
    const cfg = tokenizer.config;
    if (!eos.length && typeof cfg.eos_token === 'string') eos = idList(tokenizer.specialId(cfg.eos_token));
    if (bos === null && typeof cfg.bos_token === 'string') bos = tokenizer.specialId(cfg.bos_token) ?? null;
  }
  if (bos === null && eos.length) bos = eos[0]!;
  const backend = new RemoteBackend({ server, probe, url: http.baseUrl, tokenizer, tokenizerPath: settings.tokenizerPath ?? null, vocabSize, maxContext, bosTokenId: bos, eosTokenIds: eos });
  const caps = (await backend.info()).capabilities;
  const can = [caps.distribution ? 'full distribution' : '', caps.tokenLogprobs ? 'token logprobs' : '', probe.promptLogprobs ? 'prompt logprobs' : '', caps.generationLogprobs ? 'generated-token logprobs (confidence gate)' : '', probe.tokenize ? 'tokenize' : '', caps.prefixCache ? 'prefix cache' : ''].filter(Boolean);
  log('info', `remote: ${server.kind} at ${http.baseUrl}, model ${probe.model}, context ${maxContext}, vocab ${vocabSize || '?'}, tokenizer ${tokenizer ? 'tokenizer.json' : 'server'}; ${can.join(', ') || 'generation only'}`);
  for (const note of probe.notes) log('info', `remote: ${note}`);
  // Chat (instruction-tuned models) is probed on first use, not here: most uses never chat.
  const instruct = settings.instruct ?? 'auto';
  return { backend, tokenizer, ...(instruct === 'off' ? {} : { chat: new RemoteChat(server.kind, http, probe.model, instruct) }) };
}
