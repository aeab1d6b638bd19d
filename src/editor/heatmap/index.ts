/**
 * The entropy heat map (GLTR in the editor): each model token of the visible range coloured by
 * surprisal, entropy or rank bucket, a hover with the token's numbers and the model's top-5
 * alternatives, and bits per byte of the file (or selection) in the status bar. Scoring lives in
 * src/core/entropy; the VS Code edge is split by concern:
 * - scheduling.ts: what to score when (visible range and margins, background, cancel on edit);
 * - painting.ts: decoration types and applying them;
 * - hover.ts: the hover;
 * - status.ts: the status bar item and legend;
 * - this file: the on/off state, the command, and wiring the editor events to the parts.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { EngineClient, EngineState } from '../engine';
import type { TokenViewStatus } from '../tokenView';
import { contextKeys, explainModelUnavailable } from '../commands';
import { onDidChangeSettings, readHeatmapSettings, readSetting, type HeatmapSettings } from '../settings';
import { assertNever, describeError } from '../../core/base/errors';
import { Scheduler, fileName } from './scheduling';
import { HeatPainter } from './painting';
import { HeatStatus } from './status';
import { heatHover } from './hover';

/** The heat map's own memento key (global state): on or off across sessions. */
const enabledKey = 'tokenwise.heatmap.enabled';
const toggleCommand = 'tokenwise.toggleHeatmap';

class EntropyView implements vscode.Disposable {
  private enabled: boolean;
  private currentSettings: HeatmapSettings;
  private readonly painter = new HeatPainter();
  private readonly status = new HeatStatus(toggleCommand);
  readonly scheduler: Scheduler;

  constructor(
    private readonly services: Services,
    private readonly engine: EngineClient,
    private readonly memento: vscode.Memento,
    private readonly tokenView: TokenViewStatus | undefined,
  ) {
    this.currentSettings = readHeatmapSettings();
    this.enabled = memento.get<boolean>(enabledKey, false);
    void vscode.commands.executeCommand('setContext', contextKeys.heatmapEnabled, this.enabled);
    const view = this;
    this.scheduler = new Scheduler(services, engine, {
      get enabled() {
        return view.enabled;
      },
      get settings() {
        return view.currentSettings;
      },
      paint: (editor) => this.paint(editor),
      statusChanged: () => this.updateStatus(),
      notScored: (doc, why) => this.status.show('$(flame) Heat map: —', `${fileName(doc)} is not scored (${why}).`),
    });
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  // ---- the command ------------------------------------------------------------------------------

  /** The command's `needsModel` gate (commands.ts) has checked the model when turning it on. */
  async toggle(): Promise<void> {
    if (this.enabled) {
      await this.setEnabled(false);
      return;
    }
    const state = this.engine.state;
    await this.setEnabled(true);
    if (state.kind === 'loading') {
      this.status.show('$(loading~spin) Heat map', 'Waiting for the model to load…');
      try {
        await this.engine.whenReady();
      } catch (error) {
        await this.setEnabled(false);
        await explainModelUnavailable(this.services, 'the entropy heat map', describeError(error));
        return;
      }
    }
    this.scheduler.refreshAll('toggle');
  }

  private async setEnabled(on: boolean): Promise<void> {
    this.enabled = on;
    void vscode.commands.executeCommand('setContext', contextKeys.heatmapEnabled, on);
    await this.memento.update(enabledKey, on);
    this.services.log.info(`Entropy heat map ${on ? 'on' : 'off'} (metric ${this.currentSettings.metric}, ${this.currentSettings.style}).`);
    if (!on) {
      this.scheduler.cancelAll();
      for (const editor of vscode.window.visibleTextEditors) this.painter.clear(editor);
      this.status.hide();
    }
  }

  // ---- events -------------------------------------------------------------------------------------

  /**
   * Scores of the previous model were dropped with the engine lifetime (scheduling.ts) when the
   * state left `ready`; here only what the user sees follows the state.
   */
  onEngineState(state: EngineState): void {
    if (!this.enabled) return;
    switch (state.kind) {
      case 'ready':
        this.scheduler.refreshAll('model loaded');
        return;
      case 'loading':
        this.status.show('$(loading~spin) Heat map', 'Waiting for the model to load…');
        return;
      case 'error':
      case 'stopped':
        for (const editor of vscode.window.visibleTextEditors) this.painter.clear(editor);
        this.status.show('$(error) Heat map', `No heat map: the model is unavailable (${state.kind === 'error' ? state.message : 'stopped'}). Click to turn the heat map off.`);
        return;
      default:
        assertNever(state, 'engine state');
    }
  }

  onSettings(): void {
    this.currentSettings = readHeatmapSettings();
    if (this.enabled) this.scheduler.refreshAll('settings changed');
  }

  paint(editor: vscode.TextEditor): void {
    if (!this.enabled) return this.painter.clear(editor);
    this.painter.paint(editor, this.scheduler.snapshotFor(editor.document), this.currentSettings);
  }

  updateStatus(): void {
    if (!this.enabled) return this.status.hide();
    this.status.update(this.engine.state, this.scheduler, this.currentSettings);
  }

  hover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.enabled) return undefined;
    const snap = this.scheduler.snapshotFor(doc);
    const engine = this.engine.state;
    if (!snap || engine.kind !== 'ready') return undefined;
    const tokenizer = readSetting('tokenizer');
    return heatHover(doc, position, snap, {
      modelName: engine.info.name,
      otherTokenizer: this.tokenView?.enabled && tokenizer !== 'model' ? tokenizer : undefined,
    });
  }

  dispose(): void {
    this.scheduler.cancelAll();
    this.painter.dispose();
    this.status.dispose();
  }
}

/** Registers the entropy heat map (command, decorations, hover, status bar). */
export function registerEntropyView(context: vscode.ExtensionContext, services: Services, engine: EngineClient, tokenView?: TokenViewStatus): vscode.Disposable {
  const view = new EntropyView(services, engine, context.globalState, tokenView);
  const scheduler = view.scheduler;
  context.subscriptions.push(
    view,
    // Needs the model to turn the map on; turning it off always works.
    services.commands.register([{ id: toggleCommand, needsModel: () => !view.isEnabled, run: () => view.toggle() }]),
    vscode.languages.registerHoverProvider('*', { provideHover: (doc, pos) => view.hover(doc, pos) }),
    engine.onDidChangeState((s) => view.onEngineState(s)),
    vscode.window.onDidChangeTextEditorVisibleRanges((e) => scheduler.onVisibleRanges(e.textEditor)),
    vscode.window.onDidChangeVisibleTextEditors(() => scheduler.refreshAll('editors changed')),
    vscode.window.onDidChangeActiveTextEditor(() => view.isEnabled && view.updateStatus()),
    vscode.window.onDidChangeTextEditorSelection((e) => view.isEnabled && e.textEditor === vscode.window.activeTextEditor && view.updateStatus()),
    vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && scheduler.onEdit(e)),
    vscode.workspace.onDidCloseTextDocument((doc) => scheduler.forget(doc)),
    onDidChangeSettings('heatmap', () => view.onSettings()),
  );
  // Turned on in an earlier session: colour once the model is ready.
  if (view.isEnabled) void engine.whenReady().then(() => scheduler.refreshAll('startup'), () => {});
  return view;
}
