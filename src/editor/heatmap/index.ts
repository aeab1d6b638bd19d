/**
 * The entropy heat map (GLTR in the editor): each model token of the visible range coloured by
 * surprisal, entropy or rank bucket, a hover with the token's numbers and the model's top-5
 * alternatives, and bits per byte of the file (or selection) in the status bar. Scoring lives in
 * src/core/entropy (document scoring model, metrics); this is the VS Code edge: settings, events,
 * decorations, hover, status bar, progress, cancellation.
 *
 * Scoring runs in the inference worker at 'background' priority (completion pre-empts it between
 * model steps), is cancelled on every edit (AbortController) and restarted after a debounce, and
 * never runs on the extension host's thread beyond tokenizing requests and painting decorations.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { EngineClient, EngineState } from '../engine';
import { registerCommands, type CommandSpec } from '../commands';
import { setting } from '../settings';
import { CancelledError, assertNever, describeError } from '../../core/base/errors';
import {
  ContentCache,
  EntropyDocument,
  heatLevel,
  heatMetrics,
  heatStyles,
  heatTopK,
  isRankThresholds,
  levelCount,
  levelLabels,
  natsToBits,
  rankBuckets,
  scaleLevels,
  scoringGeometry,
  surprisalBits,
  viewMarginTokens,
  type Geometry,
  type HeatMetric,
  type HeatStyle,
  type RankThresholds,
  type ScoredText,
} from '../../core/entropy';

const editDebounceMs = 250;
const scrollDebounceMs = 80;
/** Whole-file scoring shows a progress indicator when more windows than this are left. */
const progressWindows = 3;
/** Larger documents are not scored (tokenizing them alone would take a while). */
const maxChars = 2_000_000;
const enabledKey = 'tokenwise.heatmap.enabled';

interface HeatSettings {
  metric: HeatMetric;
  thresholds: RankThresholds;
  style: HeatStyle;
  contextTokens: number;
}

const isMetric = (v: unknown): v is HeatMetric => typeof v === 'string' && (heatMetrics as readonly string[]).includes(v);
const isStyle = (v: unknown): v is HeatStyle => typeof v === 'string' && (heatStyles as readonly string[]).includes(v);
const isContext = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 16 && v <= 8192;

function readSettings(services: Services): HeatSettings {
  const report = (m: string) => services.notifyErrorOnce(m);
  return {
    metric: setting('heatmap.metric', isMetric, report),
    thresholds: setting('heatmap.rankThresholds', isRankThresholds, report),
    style: setting('heatmap.style', isStyle, report),
    contextTokens: setting('heatmap.contextTokens', isContext, report),
  };
}

/** Colour ids (package.json contributes.colors): the intensity scale, then the GLTR rank buckets. */
const scaleColour = (level: number) => `tokenwise.heatmap.level${level + 1}`;
const rankColour = (bucket: number) => `tokenwise.heatmap.rank${bucket + 1}`;
/** Legend glyphs: intensity bars for the scales, GLTR's colours for the rank buckets. */
const scaleGlyphs = ['▁', '▂', '▄', '▆', '█'];
const rankGlyphs = ['🟩', '🟨', '🟥', '🟪'];

function decorationOptions(colour: string, style: HeatStyle): vscode.DecorationRenderOptions {
  const c = new vscode.ThemeColor(colour);
  switch (style) {
    case 'background':
      return { backgroundColor: c };
    case 'underline':
      return { borderWidth: '0 0 2px 0', borderStyle: 'solid', borderColor: c };
    default:
      return assertNever(style, 'heat map style');
  }
}

/** Token text for a hover: quoted, escapes for control characters, no Markdown breakage. */
function quoted(text: string): string {
  return '`' + JSON.stringify(text).replace(/`/g, 'ˋ') + '`';
}

const percent = (logprob: number) => {
  const p = Math.exp(logprob) * 100;
  return p >= 10 ? `${p.toFixed(1)}%` : p >= 0.01 ? `${p.toFixed(2)}%` : `${p.toExponential(1)}%`;
};

function fileName(doc: vscode.TextDocument): string {
  return doc.uri.path.split('/').pop() || doc.uri.toString(true);
}

interface DocState {
  readonly doc: EntropyDocument;
  controller?: AbortController;
  timer?: ReturnType<typeof setTimeout>;
  /** Why the pending refresh runs ('edit' wins over 'scroll': typing also moves the view). */
  reason?: string;
  /** Document version the current snapshot describes. */
  version?: number;
}

class EntropyView implements vscode.Disposable {
  private enabled: boolean;
  private settings: HeatSettings;
  private readonly cache = new ContentCache<ScoredText>();
  private readonly states = new Map<string, DocState>();
  /** [style][metric kind] decoration types, created once. */
  private readonly scaleTypes = new Map<HeatStyle, vscode.TextEditorDecorationType[]>();
  private readonly rankTypes = new Map<HeatStyle, vscode.TextEditorDecorationType[]>();
  private readonly status: vscode.StatusBarItem;
  private scoring = 0;

  constructor(
    private readonly services: Services,
    private readonly engine: EngineClient,
    private readonly memento: vscode.Memento,
  ) {
    this.settings = readSettings(services);
    for (const style of heatStyles) {
      this.scaleTypes.set(style, Array.from({ length: scaleLevels }, (_, i) => vscode.window.createTextEditorDecorationType(decorationOptions(scaleColour(i), style))));
      this.rankTypes.set(style, Array.from({ length: rankBuckets }, (_, i) => vscode.window.createTextEditorDecorationType(decorationOptions(rankColour(i), style))));
    }
    this.status = vscode.window.createStatusBarItem('tokenwise.heatmap', vscode.StatusBarAlignment.Right, 88);
    this.status.name = 'Tokenwise Heat Map';
    this.status.command = 'tokenwise.toggleHeatmap';
    this.enabled = memento.get<boolean>(enabledKey, false);
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  private allTypes(): vscode.TextEditorDecorationType[] {
    return [...this.scaleTypes.values(), ...this.rankTypes.values()].flat();
  }

  /** The scoring geometry of the loaded model (undefined while no model is ready). */
  private geometry(): Geometry | undefined {
    const state = this.engine.state;
    if (state.kind !== 'ready') return undefined;
    return scoringGeometry(state.info, this.settings.contextTokens, heatTopK);
  }

  private stateFor(doc: vscode.TextDocument, geometry: Geometry): DocState {
    const key = doc.uri.toString();
    let state = this.states.get(key);
    if (!state) {
      state = { doc: new EntropyDocument(this.engine, geometry, this.cache) };
      this.states.set(key, state);
    } else state.doc.setGeometry(geometry);
    return state;
  }

  // ---- the command ------------------------------------------------------------------------------

  async toggle(): Promise<void> {
    if (this.enabled) {
      await this.setEnabled(false);
      return;
    }
    const state = this.engine.state;
    if (state.kind === 'error' || state.kind === 'stopped') {
      await this.explainUnavailable(state.kind === 'error' ? state.message : 'No model is loaded.');
      return;
    }
    await this.setEnabled(true);
    if (state.kind === 'loading') {
      this.showStatus('$(loading~spin) Heat map', 'Waiting for the model to load…');
      try {
        await this.engine.whenReady();
      } catch (error) {
        await this.setEnabled(false);
        await this.explainUnavailable(describeError(error));
        return;
      }
    }
    this.refreshAll('toggle');
  }

  private async setEnabled(on: boolean): Promise<void> {
    this.enabled = on;
    await this.memento.update(enabledKey, on);
    this.services.log.info(`Entropy heat map ${on ? 'on' : 'off'} (metric ${this.settings.metric}, ${this.settings.style}).`);
    if (!on) {
      for (const state of this.states.values()) this.cancel(state);
      for (const editor of vscode.window.visibleTextEditors) this.clear(editor);
      this.status.hide();
    }
  }

  /** Says why there is no heat map and how to fix it (every time the user asks, not just once). */
  private async explainUnavailable(cause: string): Promise<void> {
    this.services.log.warn(`Entropy heat map unavailable: ${cause}`);
    const choice = await vscode.window.showErrorMessage(
      `Tokenwise: the entropy heat map needs a model, and none is usable: ${cause} ` +
        'To fix it, set "tokenwise.modelPath" in your user settings to a Hugging Face ONNX decoder directory (config.json, tokenizer.json, onnx/model.onnx), ' +
        'or clear it to use the model shipped with Tokenwise; the model reloads when the setting changes.',
      'Open Settings',
      'Show Log',
    );
    if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'tokenwise.modelPath');
    else if (choice === 'Show Log') this.services.log.show(true);
  }

  // ---- events -------------------------------------------------------------------------------------

  onEngineState(state: EngineState): void {
    if (state.kind === 'ready') {
      // A (re)loaded model: scores of the previous one, even from the same directory, are stale.
      this.cache.clear();
      for (const s of this.states.values()) this.cancel(s);
      this.states.clear();
    }
    if (!this.enabled) return;
    switch (state.kind) {
      case 'ready':
        this.refreshAll('model loaded');
        return;
      case 'loading':
        for (const s of this.states.values()) this.cancel(s);
        this.showStatus('$(loading~spin) Heat map', 'Waiting for the model to load…');
        return;
      case 'error':
      case 'stopped':
        for (const s of this.states.values()) this.cancel(s);
        for (const editor of vscode.window.visibleTextEditors) this.clear(editor);
        this.showStatus('$(error) Heat map', `No heat map: the model is unavailable (${state.kind === 'error' ? state.message : 'stopped'}). Click to turn the heat map off.`);
        return;
      default:
        assertNever(state, 'engine state');
    }
  }

  onSettings(): void {
    this.settings = readSettings(this.services);
    if (this.enabled) this.refreshAll('settings changed');
  }

  onEdit(event: vscode.TextDocumentChangeEvent): void {
    const state = this.states.get(event.document.uri.toString());
    if (!state) return;
    // Cancel on edit; rescore once typing pauses.
    this.cancel(state);
    if (this.enabled) this.schedule(event.document, editDebounceMs, 'edit');
  }

  onVisibleRanges(editor: vscode.TextEditor): void {
    if (!this.enabled) return;
    // Paint what is known at once; score what scrolled into view after a short pause.
    this.decorate(editor);
    this.schedule(editor.document, scrollDebounceMs, 'scroll');
  }

  forget(doc: vscode.TextDocument): void {
    const state = this.states.get(doc.uri.toString());
    if (state) this.cancel(state);
    this.states.delete(doc.uri.toString());
  }

  private cancel(state: DocState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    state.reason = undefined;
    state.controller?.abort();
    state.controller = undefined;
  }

  refreshAll(reason: string): void {
    if (!this.enabled) return;
    const seen = new Set<vscode.TextDocument>();
    for (const editor of vscode.window.visibleTextEditors) {
      if (seen.has(editor.document)) continue;
      seen.add(editor.document);
      void this.refresh(editor.document, reason);
    }
    this.updateStatus();
  }

  private schedule(doc: vscode.TextDocument, delay: number, reason: string): void {
    const geometry = this.geometry();
    if (!geometry) return;
    const state = this.stateFor(doc, geometry);
    if (state.timer) {
      // A pending edit refresh covers the view too; do not shorten its debounce.
      if (state.reason === 'edit' && reason !== 'edit') return;
      clearTimeout(state.timer);
    }
    state.reason = reason;
    state.timer = setTimeout(() => {
      state.timer = undefined;
      state.reason = undefined;
      void this.refresh(doc, reason);
    }, delay);
  }

  private editorsOf(doc: vscode.TextDocument): vscode.TextEditor[] {
    return vscode.window.visibleTextEditors.filter((e) => e.document === doc);
  }

  private scoreable(doc: vscode.TextDocument): boolean {
    return doc.uri.scheme !== 'output' && doc.uri.scheme !== 'debug' && doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end) <= maxChars;
  }

  // ---- scoring ------------------------------------------------------------------------------------

  /** Re-tokenizes (keeping scores before an edit), scores the visible ranges, then the rest of the file. */
  private async refresh(doc: vscode.TextDocument, reason: string): Promise<void> {
    const geometry = this.geometry();
    if (!this.enabled || !geometry) return;
    const editors = this.editorsOf(doc);
    if (editors.length === 0) return;
    if (!this.scoreable(doc)) {
      if (doc === vscode.window.activeTextEditor?.document) this.showStatus('$(flame) Heat map: —', `${fileName(doc)} is not scored (output panes and files over ${maxChars} characters are skipped).`);
      return;
    }
    const state = this.stateFor(doc, geometry);
    if (state.reason === 'edit') reason = 'edit';
    this.cancel(state);
    const controller = new AbortController();
    state.controller = controller;
    const signal = controller.signal;
    const version = doc.version;
    const name = fileName(doc);
    this.scoring++;
    this.updateStatus();
    try {
      const t0 = performance.now();
      const update = await state.doc.update(doc.getText(), signal);
      if (doc.version !== version || signal.aborted) return;
      state.version = version;
      for (const editor of editors) this.decorate(editor);
      // Visible ranges of every editor showing the document, as one span plus the view's margins.
      let start = Infinity;
      let end = -Infinity;
      for (const editor of editors)
        for (const r of editor.visibleRanges) {
          start = Math.min(start, doc.offsetAt(r.start));
          end = Math.max(end, doc.offsetAt(doc.lineAt(r.end.line).rangeIncludingLineBreak.end));
        }
      if (start > end) return;
      const near = await state.doc.scoreRange(start, end, viewMarginTokens, {
        signal,
        priority: 'background',
        onProgress: () => this.editorsOf(doc).forEach((e) => this.decorate(e)),
      });
      if (near.requests > 0 || update.kind !== 'same')
        this.services.log.info(
          `heat map: ${name} (${reason}): ${update.tokens} tokens, ${update.kind === 'merge' ? `${update.kept} kept before the edit` : update.kind === 'cache' ? `${update.kept} from the content cache` : update.kind}; ` +
            `view scored ${near.newlyScored} tokens in ${(performance.now() - t0).toFixed(0)} ms (${near.computedTokens} through the model, ${near.requests} requests)`,
        );
      this.editorsOf(doc).forEach((e) => this.decorate(e));
      this.updateStatus();
      // The rest of the file, for its bits per byte; with a progress indicator when it is long.
      const pending = state.doc.pendingWindows();
      if (pending === 0) return;
      const t1 = performance.now();
      let lastPaint = 0;
      const whole = (progress?: vscode.Progress<{ message?: string; increment?: number }>) => {
        let reported = 0;
        return state.doc.scoreAll({
          signal,
          priority: 'background',
          onProgress: (done, total) => {
            const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
            progress?.report({ message: `${pct}%`, increment: pct - reported });
            reported = pct;
            if (performance.now() - lastPaint > 250) {
              lastPaint = performance.now();
              this.updateStatus();
            }
          },
        });
      };
      const all =
        pending > progressWindows
          ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Tokenwise heat map: scoring ${name}` }, (p) => whole(p))
          : await whole();
      this.services.log.info(`heat map: ${name}: whole file scored, ${all.newlyScored} more tokens in ${(performance.now() - t1).toFixed(0)} ms (${all.computedTokens} through the model)`);
    } catch (error) {
      if (error instanceof CancelledError || signal.aborted) return;
      this.services.log.error(`heat map: ${name}: ${describeError(error)}`);
      this.services.notifyErrorOnce(`Entropy heat map failed: ${describeError(error)}`);
    } finally {
      this.scoring--;
      if (state.controller === controller) state.controller = undefined;
      if (this.enabled) this.updateStatus();
    }
  }

  // ---- painting -----------------------------------------------------------------------------------

  private clear(editor: vscode.TextEditor): void {
    for (const d of this.allTypes()) editor.setDecorations(d, []);
  }

  private snapshotFor(doc: vscode.TextDocument): ScoredText | undefined {
    const state = this.states.get(doc.uri.toString());
    // Only while it describes the text on screen (VS Code moves decorations along with edits meanwhile).
    return state && state.version === doc.version ? state.doc.current : undefined;
  }

  /** Colours the scored tokens in the editor's visible ranges (only those). */
  decorate(editor: vscode.TextEditor): void {
    if (!this.enabled) return this.clear(editor);
    const doc = editor.document;
    const snap = this.snapshotFor(doc);
    if (!snap) return; // keep the shifted decorations of the previous text until the rescore lands
    const { metric, thresholds, style } = this.settings;
    const types = (metric === 'rank' ? this.rankTypes : this.scaleTypes).get(style)!;
    const buckets: vscode.Range[][] = Array.from({ length: levelCount(metric) }, () => []);
    for (const visible of editor.visibleRanges) {
      // Two lines beyond each end, so partly visible lines are coloured too.
      const a = doc.offsetAt(new vscode.Position(Math.max(0, visible.start.line - 2), 0));
      const b = doc.offsetAt(doc.lineAt(Math.min(doc.lineCount - 1, visible.end.line + 2)).rangeIncludingLineBreak.end);
      const [first, last] = snap.tokenRange(a, b);
      for (let i = first; i < last; i++) {
        const t = snap.scores[i];
        if (!t || t.end <= t.start) continue;
        buckets[heatLevel(t, metric, thresholds)]!.push(new vscode.Range(doc.positionAt(t.start), doc.positionAt(t.end)));
      }
    }
    for (const d of this.allTypes()) if (!types.includes(d)) editor.setDecorations(d, []);
    types.forEach((d, i) => editor.setDecorations(d, buckets[i]!));
  }

  // ---- status bar and legend ---------------------------------------------------------------------

  private showStatus(text: string, tooltip: string | vscode.MarkdownString): void {
    this.status.text = text;
    this.status.tooltip = tooltip;
    this.status.show();
  }

  legend(): string {
    const { metric, thresholds, style } = this.settings;
    const labels = levelLabels(metric, thresholds);
    const glyphs = metric === 'rank' ? rankGlyphs : scaleGlyphs;
    const what =
      metric === 'surprisal' ? 'surprisal (−log₂ p of the token)' : metric === 'entropy' ? 'entropy of the prediction before the token' : 'rank of the token in the prediction (GLTR)';
    return `**${metric}** — ${what}, as ${style === 'background' ? 'background' : 'underline'} ${metric === 'rank' ? 'colour' : 'intensity'}:  \n${labels.map((l, i) => `${glyphs[i]} ${l}`).join(' · ')}`;
  }

  updateStatus(): void {
    if (!this.enabled) return this.status.hide();
    const editor = vscode.window.activeTextEditor;
    const engine = this.engine.state;
    if (engine.kind !== 'ready') return this.onEngineStatusOnly(engine);
    if (!editor) return this.status.hide();
    const doc = editor.document;
    const state = this.states.get(doc.uri.toString());
    const snap = this.snapshotFor(doc);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**Tokenwise entropy heat map** · ${engine.info.name} on ${engine.info.provider}\n\n`);
    md.appendMarkdown(this.legend() + '\n\n');
    if (!state || !snap) {
      this.showStatus('$(loading~spin) Heat map', md.appendMarkdown('Scoring…'));
      return;
    }
    const selections = editor.selections.filter((s) => !s.isEmpty);
    const sel = selections.length === 1 ? { start: doc.offsetAt(selections[0]!.start), end: doc.offsetAt(selections[0]!.end) } : undefined;
    const bpb = state.doc.bitsPerByte(sel);
    if (!bpb) return this.showStatus('$(loading~spin) Heat map', md.appendMarkdown('Scoring…'));
    const busy = this.scoring > 0 || !bpb.complete;
    const value = bpb.scoredTokens > 0 ? `${bpb.complete ? '' : '≈'}${bpb.bitsPerByte.toFixed(2)} bits/byte` : '…';
    md.appendMarkdown(
      `${sel ? 'Selection' : 'File'}: **${bpb.scoredTokens > 0 ? bpb.bitsPerByte.toFixed(3) : '—'} bits per byte** under the model ` +
        `(${bpb.bits.toFixed(0)} bits over ${bpb.bytes} bytes, ${bpb.scoredTokens} of ${bpb.tokens} model tokens scored${bpb.complete ? '' : ' so far'}).\n\n`,
    );
    md.appendMarkdown('Click to turn the heat map off.');
    this.showStatus(`${busy ? '$(loading~spin)' : '$(flame)'} ${sel ? 'sel ' : ''}${value}`, md);
  }

  private onEngineStatusOnly(state: EngineState): void {
    if (state.kind === 'loading') this.showStatus('$(loading~spin) Heat map', 'Waiting for the model to load…');
    else if (state.kind === 'error') this.showStatus('$(error) Heat map', `No heat map: the model is unavailable (${state.message}).`);
    else this.status.hide();
  }

  // ---- hover --------------------------------------------------------------------------------------

  hover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.enabled) return undefined;
    const snap = this.snapshotFor(doc);
    const engine = this.engine.state;
    if (!snap || engine.kind !== 'ready') return undefined;
    const offset = doc.offsetAt(position);
    const i = snap.indexAt(offset);
    const t = snap.scores[i];
    if (!t || offset < t.start || offset >= t.end) return undefined;
    const md = new vscode.MarkdownString();
    md.supportHtml = false;
    md.appendMarkdown(`**Entropy heat map** · token ${quoted(snap.text.slice(t.start, t.end))} (id ${t.id}, ${engine.info.name})  \n`);
    if (t.top.length === 0 && t.logprob === 0) {
      md.appendMarkdown('_The first token of the file: the model has no BOS token, so nothing predicts it._');
    } else {
      md.appendMarkdown(
        `probability **${percent(t.logprob)}** · rank **${t.rank}** · surprisal **${surprisalBits(t.logprob).toFixed(2)} bits** · entropy **${natsToBits(t.entropy).toFixed(2)} bits**  \n\n`,
      );
      if (t.top.length) {
        md.appendMarkdown(`| top ${t.top.length} alternatives | probability |\n|---|---:|\n`);
        for (const alt of t.top) md.appendMarkdown(`| ${quoted(alt.text)}${alt.id === t.id ? ' ✓' : ''} | ${percent(alt.logprob)} |\n`);
      }
    }
    const tokenizer = vscode.workspace.getConfiguration('tokenwise').get<string>('tokenizer', 'o200k_base');
    const tokenView = this.memento.get<boolean>('tokenwise.tokenView.enabled', false);
    md.appendMarkdown(
      `\n\n_Heat map tokens are the model's (${engine.info.name} tokenizer)${tokenView && tokenizer !== 'model' ? `; the token view shows ${tokenizer} tokens, so boundaries can differ` : ''}._`,
    );
    return new vscode.Hover(md, new vscode.Range(doc.positionAt(t.start), doc.positionAt(t.end)));
  }

  dispose(): void {
    for (const state of this.states.values()) this.cancel(state);
    for (const d of this.allTypes()) d.dispose();
    this.status.dispose();
  }
}

/** Registers the entropy heat map (command, decorations, hover, status bar). */
export function registerEntropyView(context: vscode.ExtensionContext, services: Services, engine: EngineClient): vscode.Disposable {
  const view = new EntropyView(services, engine, context.globalState);
  context.subscriptions.push(view);
  const commands: CommandSpec[] = [{ id: 'tokenwise.toggleHeatmap', run: () => view.toggle() }];
  registerCommands(context, services, commands);
  context.subscriptions.push(
    vscode.languages.registerHoverProvider('*', { provideHover: (doc, pos) => view.hover(doc, pos) }),
    engine.onDidChangeState((s) => view.onEngineState(s)),
    vscode.window.onDidChangeTextEditorVisibleRanges((e) => view.onVisibleRanges(e.textEditor)),
    vscode.window.onDidChangeVisibleTextEditors(() => view.refreshAll('editors changed')),
    vscode.window.onDidChangeActiveTextEditor(() => view.isEnabled && view.updateStatus()),
    vscode.window.onDidChangeTextEditorSelection((e) => view.isEnabled && e.textEditor === vscode.window.activeTextEditor && view.updateStatus()),
    vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && view.onEdit(e)),
    vscode.workspace.onDidCloseTextDocument((doc) => view.forget(doc)),
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tokenwise.heatmap') && view.onSettings()),
  );
  // Turned on in an earlier session: colour once the model is ready.
  if (view.isEnabled) void engine.whenReady().then(() => view.refreshAll('startup'), () => {});
  return view;
}
