/**
 * Activation: creates the shared services (log, commands, settings reporting, the two cleanup
 * lists), then registers each surface. A surface that fails to register is logged and reported
 * once (one line + "Show Log"); the others still register, and its commands answer with the cause.
 */
import * as vscode from 'vscode';
import type { Services } from './services';
import { Commands } from './commands';
import { EngineScope } from './lifetimes';
import { setSettingsReporter } from './settings';
import { tokenwiseVersion } from '../core/base/version';
import { describeError } from '../core/base/errors';
import { registerTokenView } from './tokenView';
import { registerEngine, type EngineClient } from './engine';
import { registerInlineCompletion } from './completion/inlineCompletion';
import { registerApiCompletion } from './apiCompletion';
import { registerIdentifierCompletion } from './completion/identifiers';
import { registerEntropyView } from './heatmap';
import { registerMetricsPanel } from './metrics';

/** The running engine, for `deactivate` to wait on its shutdown. */
let activeEngine: EngineClient | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Tokenwise', { log: true });
  context.subscriptions.push(log);
  const notified = new Set<string>();
  const notifyErrorOnce = (message: string) => {
    log.error(message);
    if (notified.has(message)) return;
    notified.add(message);
    void vscode.window.showErrorMessage(`Tokenwise: ${message}`, 'Show Log').then((choice) => {
      if (choice) log.show(true);
    });
  };
  const commands = new Commands({ log, notifyErrorOnce });
  const engineScope = new EngineScope((error) => log.error(`engine-lifetime cleanup failed: ${describeError(error)}`));
  context.subscriptions.push(commands, engineScope, setSettingsReporter(notifyErrorOnce));
  const services: Services = {
    log,
    extensionUri: context.extensionUri,
    notifyErrorOnce,
    commands,
    extensionScope: context.subscriptions,
    engineScope,
    onEngineReset: (listener) => new vscode.Disposable(engineScope.onReset(listener).dispose),
  };
  log.info(`Tokenwise ${tokenwiseVersion} activated (VS Code ${vscode.version}, ${process.platform}-${process.arch}, Node ${process.versions.node})`);

  const failed: string[] = [];
  const surface = <T>(name: string, register: () => T): T | undefined => {
    try {
      return register();
    } catch (error) {
      const cause = describeError(error);
      log.error(`${name} failed to start: ${cause}${error instanceof Error && error.stack ? `\n${error.stack}` : ''}`);
      commands.noteFailure(name, cause);
      failed.push(`${name} (${cause})`);
      return undefined;
    }
  };

  surface('the commands', () => context.subscriptions.push(commands.register([{ id: 'tokenwise.showLog', run: () => log.show(true) }])));
  const tokenView = surface('the token view', () => registerTokenView(context, services));
  const engine = surface('the inference engine', () => registerEngine(context, services));
  if (engine) {
    activeEngine = engine;
    // Before any surface subscribes: engine-bound state is disposed before surfaces react to the new state.
    context.subscriptions.push(
      engine.onDidChangeState((state) => engineScope.track(state.kind)),
      commands.attachEngine(engine),
      new vscode.Disposable(() => {
        if (activeEngine === engine) activeEngine = undefined;
      }),
    );
    engineScope.track(engine.state.kind);
    surface('inline completion', () => registerInlineCompletion(context, services, engine));
    surface('API completion', () => context.subscriptions.push(registerApiCompletion(context, services, engine)));
    surface('identifier completion', () => registerIdentifierCompletion(context, services, engine));
    surface('the entropy heat map', () => registerEntropyView(context, services, engine, tokenView));
    surface('the compression metrics panel', () => registerMetricsPanel(context, services, engine));
  } else {
    commands.noteFailure('inline completion and the entropy heat map', 'they need the inference engine');
  }
  surface('the command fallbacks', () => context.subscriptions.push(commands.registerMissing()));
  if (failed.length > 0) notifyErrorOnce(`${failed.join('; ')} failed to start; everything else works.`);
}

/** Shuts the inference worker down gracefully (VS Code waits for the promise, briefly). */
export function deactivate(): Promise<void> | undefined {
  const engine = activeEngine;
  activeEngine = undefined;
  return engine?.dispose();
}
