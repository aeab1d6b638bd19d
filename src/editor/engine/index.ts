/**
 * Editor side of the inference engine: starts the worker (dist/worker.js), loads the model from
 * the settings, restarts the worker if it dies (telling the user once), and shows the model and
 * execution provider in the status bar. Features use the returned `EngineClient` as their
 * `InferenceBackend`.
 */
import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import type { Services } from '../services';
import { machineSetting, setting } from '../settings';
import { executionProviderSettings, type ExecutionProviderSetting, type InferenceBackend, type ModelInfo } from '../../core/inference/types';
import type { CompletionParams, EngineSettings } from '../../core/protocol/engine';
import type { CompletionRequest, CompletionResult } from '../../core/completion/pipeline';
import { TokenwiseError, assertNever } from '../../core/base/errors';
import { WorkerClient, type EngineState, type WorkerLike } from '../../worker/client';

export type { EngineState } from '../../worker/client';

export interface EngineClient extends InferenceBackend {
  readonly state: EngineState;
  readonly onDidChangeState: vscode.Event<EngineState>;
  /** The loaded model; rejects with a one-line cause when no model is available. */
  whenReady(): Promise<ModelInfo>;
  /** Reloads the model from the current settings. */
  reload(): Promise<void>;
  /** Runs the completion pipeline beside the model (in the worker). */
  complete(request: CompletionRequest, family?: CompletionParams['family']): Promise<CompletionResult>;
}

const isProvider = (v: unknown): v is ExecutionProviderSetting => typeof v === 'string' && (executionProviderSettings as readonly string[]).includes(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function readSettings(services: Services): EngineSettings {
  const report = (m: string) => services.notifyErrorOnce(m);
  return {
    backend: 'embedded',
    modelPath: machineSetting<string>('modelPath') ?? '',
    executionProvider: setting('executionProvider', isProvider, report),
    threads: setting('engine.threads', isCount, report),
    kvCacheMB: setting('engine.kvCacheMB', isCount, report),
  };
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
        status.tooltip = `Loading ${state.settings.modelPath || 'the default model'}…`;
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
    onStateChange: (state) => {
      showState(state);
      stateEmitter.fire(state);
    },
  });

  const load = async () => {
    const settings = readSettings(services);
    try {
      // The worker logs the model and the execution provider it settled on.
      await client.load(settings);
    } catch (error) {
      services.notifyErrorOnce(`Model unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tokenwise.modelPath') || e.affectsConfiguration('tokenwise.executionProvider') || e.affectsConfiguration('tokenwise.engine.threads')) void load();
      else if (e.affectsConfiguration('tokenwise.engine.kvCacheMB')) void client.setCacheBudget(readSettings(services).kvCacheMB).catch(() => {});
    }),
    { dispose: () => void client.dispose() },
  );
  void load();

  /**
   * Model failures while a model is loaded (out of memory, a failing run) are logged and shown once
   * per distinct cause; load failures and crashes are reported where they happen.
   */
  const guard = <T>(request: Promise<T>): Promise<T> =>
    request.catch((error: unknown) => {
      if (error instanceof TokenwiseError && error.kind === 'model' && client.state.kind === 'ready' && !/inference worker stopped/.test(error.message))
        services.notifyErrorOnce(error.message);
      throw error;
    });

  const engine: EngineClient = {
    get state() {
      return client.state;
    },
    onDidChangeState: stateEmitter.event,
    whenReady: () => client.whenReady(),
    reload: load,
    info: () => guard(client.info()),
    tokenize: (text) => guard(client.tokenize(text)),
    detokenize: (ids) => guard(client.detokenize(ids)),
    score: (ids, options) => guard(client.score(ids, options)),
    generate: (ids, options) => guard(client.generate(ids, options)),
    nextLogprobs: (ids, options) => guard(client.nextLogprobs(ids, options)),
    tokenLogprobs: (ids, candidates, options) => guard(client.tokenLogprobs(ids, candidates, options)),
    scoreCandidates: (prefix, candidates, options) => guard(client.scoreCandidates(prefix, candidates, options)),
    complete: (request, family) => guard(client.complete(request, family)),
    dispose: () => client.dispose(),
  };
  return engine;
}
