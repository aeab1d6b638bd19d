import type * as vscode from 'vscode';
import type { Commands } from './commands';
import type { EngineScope } from './lifetimes';

/** What every editor surface receives when it registers. */
export interface Services {
  readonly log: vscode.LogOutputChannel;
  readonly extensionUri: vscode.Uri;
  /** Shows an error notification once per distinct message (with "Show Log"), and always logs it. */
  notifyErrorOnce(message: string): void;
  /** Registers command handlers from the command table (commandTable.ts). */
  readonly commands: Commands;
  /**
   * Extension lifetime (`context.subscriptions`): disposed when the extension deactivates.
   * Registrations, decoration types, status bar items.
   */
  readonly extensionScope: { push(...disposables: vscode.Disposable[]): void };
  /**
   * Engine lifetime: disposed and emptied every time the engine leaves `ready` (model reloaded,
   * worker restarted, load failed, shutdown). State computed from one loaded model goes here.
   */
  readonly engineScope: EngineScope;
  /** Runs after each engine-lifetime reset. */
  onEngineReset(listener: (reason: string) => void): vscode.Disposable;
}
