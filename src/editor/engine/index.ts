/**
 * Editor side of the inference engine: starts the worker (dist/worker.js), loads the model from
 * the settings, restarts the worker if it dies (telling the user once), and shows the model and
 * execution provider in the status bar. Features use the returned `EngineClient` as their
 * `InferenceBackend`.
 */
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type { Services } from '../services';
import { onDidChangeSettings, readEngineSettings } from '../settings';
import type { EngineSettings } from '../../core/protocol/engine';
import type { ModelInfo } from '../../core/inference/types';
import type { ProxySettings } from '../../core/inference/factory';
import { assertNever } from '../../core/base/errors';
import { WorkerClient, type EngineState, type WorkerLike } from '../../worker/client';

export type { EngineState } from '../../worker/client';

/**
 * What features use: the worker client (an `InferenceBackend` plus `complete`, `whenReady`, the
 * engine state), with state-change events and a reload from the current settings.
 */
export type EngineClient = WorkerClient & {
  readonly onDidChangeState: vscode.Event<EngineState>;
  /** Reloads the model from the current settings. */
  reload(): Promise<void>;
};

/** Where the API key of a remote server is kept (VS Code SecretStorage; never in settings, never logged). */
export const apiKeySecret = 'tokenwise.remote.apiKey';

/** The worker's backend settings from the user's settings (and, for a server, the stored key). */
export async function readSettings(secrets?: vscode.SecretStorage): Promise<EngineSettings> {
  const s = readEngineSettings();
  if (s.backend === 'embedded') return { backend: 'embedded', modelPath: s.modelPath, executionProvider: s.executionProvider, threads: s.threads, kvCacheMB: s.kvCacheMB };
  const apiKey = (await secrets?.get(apiKeySecret)) ?? '';
  return {
    backend: s.backend,
    url: s.remoteUrl,
    model: s.remoteModel,
    kvCacheMB: s.kvCacheMB,
    ...(apiKey ? { apiKey } : {}),
    ...(s.remoteTokenizerPath ? { tokenizerPath: s.remoteTokenizerPath } : {}),
    instruct: s.remoteInstruct,
    proxy: proxySettings(),
  };
}

/** VS Code's proxy and certificate settings (`http.proxy`, `http.proxyStrictSSL`, `http.noProxy`, `http.systemCertificates`) for the worker's HTTP transport; an empty `http.proxy` leaves HTTPS_PROXY / HTTP_PROXY / NO_PROXY to apply. */
export function proxySettings(config: Pick<vscode.WorkspaceConfiguration, 'get'> = vscode.workspace.getConfiguration('http')): ProxySettings {
  const url = config.get<string>('proxy');
  const noProxy = config.get<unknown>('noProxy');
  return {
    url: typeof url === 'string' ? url.trim() : '',
    strictSSL: config.get<boolean>('proxyStrictSSL') !== false,
    noProxy: Array.isArray(noProxy) ? noProxy.filter((h): h is string => typeof h === 'string') : [],
    systemCertificates: config.get<boolean>('systemCertificates') !== false,
  };
}

/** The status bar tooltip of a loaded model: server, model, probed capabilities and what degrades. */
export function describeModel(info: ModelInfo): string {
  if (info.backend !== 'remote')
    return `Tokenwise model: ${info.location}${info.isDefault ? ' (default)' : ''}\nExecution provider: ${info.provider}\n${info.modelType}, ${info.details.layers ?? '?'} layers, vocab ${info.vocabSize}`;
  const c = info.capabilities;
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  return [
    `Tokenwise model: ${info.name} on ${info.details.server ?? info.modelType} at ${info.location}`,
    `Context ${info.maxContext} tokens, vocabulary ${info.vocabSize || '?'}, tokenizer: ${info.tokenizer.kind === 'tokenizer.json' ? info.tokenizer.path : 'the server\'s'}`,
    `Full distribution: ${yes(c.distribution)} · listed-token logprobs: ${yes(c.tokenLogprobs)} · exact ranks: ${yes(c.exactRank)} · entropy: ${yes(c.entropy)} · top-k ≤ ${c.maxTopK} · prefix cache: ${yes(c.prefixCache)} · confidence gate: ${yes(c.generationLogprobs === true)}`,
    ...String(info.details.notes ?? '')
      .split('; ')
      .filter(Boolean)
      .map((n) => `• ${n}`),
  ].join('\n');
}

export function registerEngine(context: vscode.ExtensionContext, services: Services): EngineClient {
  const workerFile = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
  const stateEmitter = new vscode.EventEmitter<EngineState>();
  const status = vscode.window.createStatusBarItem('tokenwise.engine', vscode.StatusBarAlignment.Right, 90);
  status.name = 'Tokenwise Model';
  status.command = 'tokenwise.showLog';
  context.subscriptions.push(stateEmitter, status);

  const showState = (state: EngineState) => {
    switch (state.kind) {
      case 'stopped':
        status.hide();
        return;
      case 'loading':
        status.text = '$(loading~spin) Tokenwise model';
        status.tooltip = state.settings.backend === 'embedded' ? `Loading ${state.settings.modelPath || 'the default model'}…` : `Connecting to ${state.settings.backend} at ${state.settings.url}…`;
        status.backgroundColor = undefined;
        break;
      case 'ready':
        status.text = `$(hubot) ${state.info.name} · ${state.info.backend === 'remote' ? state.info.modelType : state.info.provider}`;
        status.tooltip = describeModel(state.info);
        status.backgroundColor = undefined;
        break;
      case 'error':
        status.text = '$(error) Tokenwise model';
        status.tooltip = `Model unavailable: ${state.message}`;
        status.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
        break;
      default:
        assertNever(state, 'engine state');
    }
    status.show();
  };

  const client = new WorkerClient({
    createWorker: () => new Worker(workerFile) as unknown as WorkerLike,
    log: (level, message) => services.log[level](message),
    onCrash: (_reason, restarted) => {
      // The cause is logged by the client. One constant message, so the user is told once per session however often it happens.
      services.notifyErrorOnce(restarted ? 'The inference worker stopped unexpectedly and was restarted (see the log).' : 'The inference worker keeps stopping; model features are disabled until the window is reloaded.');
    },
    // Model failures while a model is loaded (out of memory, a failing run) are shown once per
    // distinct cause; load failures and crashes are reported where they happen.
    onRequestError: (error, method) => {
      if (error.kind === 'model' && method !== 'load' && client.state.kind === 'ready' && !/inference worker stopped/.test(error.message)) services.notifyErrorOnce(error.message);
    },
    onStateChange: (state) => {
      showState(state);
      stateEmitter.fire(state);
    },
  });

  const load = async () => {
    const settings = await readSettings(context.secrets);
    if (settings.backend !== 'embedded' && !settings.url) {
      services.notifyErrorOnce(`Model unavailable: tokenwise.backend is "${settings.backend}" but tokenwise.remote.url is empty (set it in your user settings).`);
      return;
    }
    try {
      // The worker logs the model and the execution provider it settled on.
      await client.load(settings);
    } catch (error) {
      services.notifyErrorOnce(`Model unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  context.subscriptions.push(
    onDidChangeSettings('engine', (change) => {
      if ((['modelPath', 'executionProvider', 'engine.threads', 'backend', 'remote.url', 'remote.model', 'remote.tokenizerPath', 'remote.instruct'] as const).some((k) => change.affects(k))) void load();
      else if (change.affects('engine.kvCacheMB')) void client.setCacheBudget(readEngineSettings().kvCacheMB).catch(() => {});
    }),
    // A changed proxy or certificate setting reconnects a remote backend with it.
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (['http.proxy', 'http.proxyStrictSSL', 'http.noProxy', 'http.systemCertificates'].some((k) => e.affectsConfiguration(k)) && readEngineSettings().backend !== 'embedded') void load();
    }),
    // A new API key reconnects a remote backend.
    context.secrets.onDidChange((e) => {
      if (e.key === apiKeySecret && readEngineSettings().backend !== 'embedded') void load();
    }),
    services.commands.register([
      {
        id: 'tokenwise.setApiKey',
        run: async () => {
          const key = await vscode.window.showInputBox({
            title: 'Tokenwise: API key of the inference server',
            prompt: 'Sent as "Authorization: Bearer …" to tokenwise.remote.url; stored in VS Code\'s secret storage. Leave empty to remove it.',
            password: true,
            ignoreFocusOut: true,
          });
          if (key === undefined) return;
          if (key) await context.secrets.store(apiKeySecret, key);
          else await context.secrets.delete(apiKeySecret);
          services.log.info(key ? 'remote: API key stored' : 'remote: API key removed');
        },
      },
    ]),
    { dispose: () => void client.dispose() },
  );
  void load();

  const engine: EngineClient = Object.assign(client, { onDidChangeState: stateEmitter.event, reload: load });
  return engine;
}
