/**
 * Command registration from one table (commandTable.ts): each surface hands in the handlers of
 * its declared commands; a failing command is logged and reported, never silent; a command that
 * needs the model while the model is down explains why (the engine's own message) and offers
 * "Open Settings" / "Show Log" instead of running; the `tokenwise.modelReady` context key follows
 * the engine state for `when` clauses.
 */
import * as vscode from 'vscode';
import type { Services } from './services';
import type { EngineState } from './engine';
import { assertNever, describeError } from '../core/base/errors';
import { commandDeclaration, commandTable, contextKeys, type CommandId } from './commandTable';
import { openSetting, userSettingsLabel } from './settings';

export { contextKeys, type CommandId } from './commandTable';

export interface CommandSpec {
  readonly id: CommandId;
  /** Defaults to the table's title; used in messages. */
  readonly title?: string;
  /**
   * Defaults to the table's `needsModel`. A function decides per call (the heat map's toggle needs
   * the model only to turn the map on).
   */
  readonly needsModel?: boolean | (() => boolean);
  run(...args: unknown[]): unknown;
}

/** The part of the engine the command layer watches. */
export interface ModelStatus {
  readonly state: EngineState;
  readonly onDidChangeState: vscode.Event<EngineState>;
}

type Reporter = Pick<Services, 'log' | 'notifyErrorOnce'>;

/**
 * Says why a feature has no model and how to fix it. Shown every time the user asks (not once):
 * it answers an explicit command.
 */
export async function explainModelUnavailable(services: Reporter, subject: string, cause: string): Promise<void> {
  services.log.warn(`${subject.charAt(0).toUpperCase()}${subject.slice(1)} is unavailable: ${cause}`);
  const choice = await vscode.window.showErrorMessage(
    `Tokenwise: ${subject} needs a model, and none is usable: ${cause} ` +
      `To fix it, set "tokenwise.modelPath" in your ${userSettingsLabel()} to a Hugging Face ONNX decoder directory (config.json, tokenizer.json, onnx/model.onnx), ` +
      'or clear it to use the model shipped with Tokenwise; the model reloads when the setting changes.',
    'Open Settings',
    'Show Log',
  );
  if (choice === 'Open Settings') await openSetting('modelPath');
  else if (choice === 'Show Log') services.log.show(true);
}

/** Why there is no usable model right now, or undefined when there is one (or one is loading). */
export function modelUnavailableCause(engine: ModelStatus | undefined): string | undefined {
  if (!engine) return 'the inference engine failed to start (see the log).';
  const state = engine.state;
  switch (state.kind) {
    case 'ready':
    case 'loading':
      // Loading: the command runs and waits for the model itself (with its own progress).
      return undefined;
    case 'error':
      return state.message;
    case 'stopped':
      return 'No model is loaded.';
    default:
      return assertNever(state, 'engine state');
  }
}

export class Commands implements vscode.Disposable {
  private readonly handlers = new Set<CommandId>();
  private readonly failures: string[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private engine: ModelStatus | undefined;

  constructor(private readonly services: Reporter) {
    void vscode.commands.executeCommand('setContext', contextKeys.modelReady, false);
  }

  /** Registers handlers of declared commands; the returned disposable unregisters them. */
  register(specs: readonly CommandSpec[]): vscode.Disposable {
    const registrations = specs.map((spec) => {
      if (this.handlers.has(spec.id)) throw new Error(`command ${spec.id} is registered twice`);
      const declared = commandDeclaration(spec.id);
      const title = spec.title ?? declared.title;
      const needsModel = spec.needsModel ?? declared.needsModel ?? false;
      const subject = declared.subject ?? `"Tokenwise: ${title}"`;
      this.handlers.add(spec.id);
      const registration = vscode.commands.registerCommand(spec.id, async (...args: unknown[]) => {
        try {
          if (typeof needsModel === 'function' ? needsModel() : needsModel) {
            const cause = modelUnavailableCause(this.engine);
            if (cause !== undefined) {
              await explainModelUnavailable(this.services, subject, cause);
              return undefined;
            }
          }
          return await spec.run(...args);
        } catch (error) {
          this.services.notifyErrorOnce(`"${title}" failed: ${describeError(error)}`);
          return undefined;
        }
      });
      return new vscode.Disposable(() => {
        this.handlers.delete(spec.id);
        registration.dispose();
      });
    });
    return vscode.Disposable.from(...registrations);
  }

  /** Keeps `tokenwise.modelReady` in sync with the engine and lets `needsModel` commands check it. */
  attachEngine(engine: ModelStatus): vscode.Disposable {
    this.engine = engine;
    const sync = (state: EngineState) => void vscode.commands.executeCommand('setContext', contextKeys.modelReady, state.kind === 'ready');
    sync(engine.state);
    const subscription = engine.onDidChangeState(sync);
    return new vscode.Disposable(() => {
      subscription.dispose();
      if (this.engine === engine) this.engine = undefined;
      void vscode.commands.executeCommand('setContext', contextKeys.modelReady, false);
    });
  }

  /** Remembers a surface that failed to register, for the commands it left without a handler. */
  noteFailure(surface: string, cause: string): void {
    this.failures.push(`${surface} failed to start (${cause})`);
  }

  /**
   * Every declared command without a handler (its surface failed to start) still answers: with
   * the reason, instead of VS Code's "command not found".
   */
  registerMissing(): vscode.Disposable {
    const missing = commandTable.filter((c) => !this.handlers.has(c.id));
    for (const c of missing) {
      this.services.log.warn(`command ${c.id} has no handler; it reports the activation failure when run`);
      this.disposables.push(
        vscode.commands.registerCommand(c.id, () => {
          const why = this.failures.length ? this.failures.join('; ') : 'its part of Tokenwise did not start';
          this.services.notifyErrorOnce(`"${c.title}" is unavailable: ${why}. See the log.`);
        }),
      );
    }
    return new vscode.Disposable(() => this.dispose());
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
