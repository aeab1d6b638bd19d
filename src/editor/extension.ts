import * as vscode from 'vscode';
import { baseCommands, registerCommands } from './commands';
import type { Services } from './services';
import { tokenwiseVersion } from '../core/base/version';
import { registerTokenView } from './tokenView';
import { registerEngine } from './engine';
import { registerInlineCompletion } from './completion/inlineCompletion';
import { registerEntropyView } from './heatmap';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Tokenwise', { log: true });
  context.subscriptions.push(log);
  const notified = new Set<string>();
  const services: Services = {
    log,
    extensionUri: context.extensionUri,
    notifyErrorOnce(message) {
      log.error(message);
      if (notified.has(message)) return;
      notified.add(message);
      void vscode.window.showErrorMessage(`Tokenwise: ${message}`, 'Show Log').then((choice) => {
        if (choice) log.show(true);
      });
    },
  };
  log.info(`Tokenwise ${tokenwiseVersion} activated (VS Code ${vscode.version}, ${process.platform}-${process.arch}, Node ${process.versions.node})`);
  registerCommands(context, services, [...baseCommands]);
  registerTokenView(context, services);
  const engine = registerEngine(context, services);
  registerInlineCompletion(context, services, engine);
  registerEntropyView(context, services, engine);
}

export function deactivate(): void {}
