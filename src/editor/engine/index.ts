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

function readSettings(): EngineSettings {
  return { backend: 'embedded', ...readEngineSettings() };
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
        status.text = `$(hubot) ${state.info.name} · ${state.info.provider}`;
        status.tooltip = `Tokenwise model: ${state.info.location}${state.info.isDefault ? ' (default)' : ''}\nExecution provider: ${state.info.provider}\n${state.info.modelType}, ${state.info.details.layers ?? '?'} layers, vocab ${state.info.vocabSize}`;
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
    const settings = readSettings();
    try {
      // The worker logs the model and the execution provider it settled on.
      await client.load(settings);
    } catch (error) {
      services.notifyErrorOnce(`Model unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  context.subscriptions.push(
    onDidChangeSettings('engine', (change) => {
      if (change.affects('modelPath') || change.affects('executionProvider') || change.affects('engine.threads')) void load();
      else if (change.affects('engine.kvCacheMB')) void client.setCacheBudget(readSettings().kvCacheMB).catch(() => {});
    }),
    { dispose: () => void client.dispose() },
  );
  void load();

  const engine: EngineClient = Object.assign(client, { onDidChangeState: stateEmitter.event, reload: load });
  return engine;
}
