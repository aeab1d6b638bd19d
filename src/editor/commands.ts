import * as vscode from 'vscode';
import type { Services } from './services';
import { describeError } from '../core/base/errors';

export interface CommandSpec {
  id: string;
  run(services: Services, ...args: unknown[]): unknown;
}

/** Registers commands from one table; a failing command is logged and reported, never silent. */
export function registerCommands(context: vscode.ExtensionContext, services: Services, table: readonly CommandSpec[]): void {
  for (const spec of table) {
    context.subscriptions.push(
      vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
        try {
          return await spec.run(services, ...args);
        } catch (error) {
          services.notifyErrorOnce(`${spec.id}: ${describeError(error)}`);
          return undefined;
        }
      }),
    );
  }
}

export const baseCommands: CommandSpec[] = [
  { id: 'tokenwise.showLog', run: (services) => services.log.show(true) },
];
