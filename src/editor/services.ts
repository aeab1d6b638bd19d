import type * as vscode from 'vscode';

/** What every editor surface receives when it registers. */
export interface Services {
  readonly log: vscode.LogOutputChannel;
  readonly extensionUri: vscode.Uri;
  /** Shows an error notification once per distinct message, and always logs it. */
  notifyErrorOnce(message: string): void;
}
