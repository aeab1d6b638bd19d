/**
 * `tokenwise serve --port <n> [--host 127.0.0.1] [--model <dir>] [--api-key-env VAR]`: the embedded
 * engine behind vLLM's and llama.cpp's endpoint subsets (src/cli/serve/server.ts), until Ctrl+C.
 */
import type { CliCommand } from '../dispatcher';
import { TokenwiseError } from '../../core/base/errors';
import { loadBackend } from '../../core/inference/factory';
import { executionProviderSettings, type ExecutionProviderSetting } from '../../core/inference/types';
import { startServer } from '../serve/server';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve the embedded model over HTTP (vLLM and llama.cpp endpoint subsets).',
  positionals: [],
  options: {
    port: { type: 'number', valueName: 'n', description: 'Port (0 = a free one; printed on start).' },
    host: { type: 'string', valueName: 'addr', description: 'Address to bind (default 127.0.0.1; anything else exposes the model to the network).' },
    model: { type: 'string', valueName: 'dir', description: 'Model directory (default: the shipped model).' },
    provider: { type: 'string', choices: executionProviderSettings, description: 'Execution provider (default auto).' },
    threads: { type: 'number', valueName: 'n', description: 'CPU threads (default: half the cores).' },
    'api-key-env': { type: 'string', valueName: 'VAR', description: 'Require "Authorization: Bearer $VAR" (the key is read from that environment variable).' },
    'max-logprobs': { type: 'number', valueName: 'n', description: 'Most logprobs per position (vLLM --max-logprobs; default -1 = whole vocabulary).' },
    'served-model-name': { type: 'string', valueName: 'name', description: 'Model id reported by /v1/models (default: the directory name).' },
    quiet: { type: 'boolean', description: 'Do not log requests.' },
  },
  details: [
    'vLLM:      GET /v1/models, POST /v1/completions, POST /tokenize {prompt}, POST /detokenize, GET /health',
    'llama.cpp: POST /completion, POST /tokenize {content}, POST /detokenize, GET /props, GET /health',
    'Point Tokenwise at it with --backend vllm|llamacpp --url <printed URL> --tokenizer-json <model>/tokenizer.json.',
  ].join('\n'),
  async run(ctx) {
    const o = ctx.args.options;
    const port = (o.port as number | undefined) ?? 8000;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TokenwiseError('usage', '--port must be 0..65535.');
    let apiKey: string | undefined;
    if (o['api-key-env']) {
      apiKey = process.env[o['api-key-env'] as string];
      if (!apiKey) throw new TokenwiseError('usage', `--api-key-env ${String(o['api-key-env'])}: that environment variable is empty.`);
    }
    const model = await loadBackend({
      backend: 'embedded',
      modelPath: (o.model as string | undefined) ?? '',
      executionProvider: (o.provider as ExecutionProviderSetting | undefined) ?? 'auto',
      threads: (o.threads as number | undefined) ?? 0,
      kvCacheMB: 256,
    });
    const server = await startServer(model, {
      port,
      ...(o.host ? { host: o.host as string } : {}),
      ...(apiKey ? { apiKey } : {}),
      ...(o['served-model-name'] ? { modelName: o['served-model-name'] as string } : {}),
      ...(o['max-logprobs'] !== undefined ? { maxLogprobs: o['max-logprobs'] as number } : {}),
      ...(o.quiet ? {} : { log: (line: string) => ctx.io.stderr(`${line}\n`) }),
    });
    const info = await model.backend.info();
    if (ctx.json) ctx.io.stdout(JSON.stringify({ url: server.url, port: server.port, model: info.name }) + '\n');
    else ctx.io.stdout(`tokenwise serve: ${info.name} at ${server.url}${apiKey ? ' (bearer token required)' : ''}\n`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
    await model.backend.dispose();
  },
};
