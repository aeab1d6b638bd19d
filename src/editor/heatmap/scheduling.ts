/**
 * What the heat map scores, and when: after an edit (debounced, the running scoring cancelled at
 * once), when the view scrolls (shorter debounce), the visible ranges plus margins first, then
 * the rest of the file in the background for its bits per byte (with a progress indicator when it
 * is long). Scoring runs in the inference worker at 'background' priority.
 *
 * The per-document scoring state and the content cache belong to one loaded model: they live in a
 * `ScoringSession` on the engine-lifetime list, disposed (all scoring cancelled) when the engine
 * leaves `ready`.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { EngineClient } from '../engine';
import type { HeatmapSettings } from '../settings';
import { CancelledError, describeError } from '../../core/base/errors';
import { ContentCache, EntropyDocument, heatTopK, scoringGeometry, viewMarginTokens, type Geometry, type ScoredText } from '../../core/entropy';

const editDebounceMs = 250;
const scrollDebounceMs = 80;
/** Whole-file scoring shows a progress indicator when more windows than this are left. */
const progressWindows = 3;
/** Larger documents are not scored (tokenizing them alone would take a while). */
export const maxChars = 2_000_000;

export function fileName(doc: vscode.TextDocument): string {
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

function cancel(state: DocState): void {
  if (state.timer) clearTimeout(state.timer);
  state.timer = undefined;
  state.reason = undefined;
  state.controller?.abort();
  state.controller = undefined;
}

/** Scores of one loaded model: disposed (scoring cancelled, scores dropped) when the engine leaves `ready`. */
class ScoringSession implements vscode.Disposable {
  readonly cache = new ContentCache<ScoredText>();
  readonly states = new Map<string, DocState>();
  disposed = false;

  cancelAll(): void {
    for (const s of this.states.values()) cancel(s);
  }

  dispose(): void {
    this.disposed = true;
    this.cancelAll();
    this.states.clear();
    this.cache.clear();
  }
}

/** What the scheduler needs from the heat map around it. */
export interface SchedulerHost {
  readonly enabled: boolean;
  readonly settings: HeatmapSettings;
  /** Paints one editor from the current snapshot. */
  paint(editor: vscode.TextEditor): void;
  /** Something the status bar shows changed (scoring started, progressed or ended). */
  statusChanged(): void;
  /** The active document is not scored (too large, an output pane). */
  notScored(doc: vscode.TextDocument, why: string): void;
}

export class Scheduler {
  private session: ScoringSession | undefined;
  private scoring = 0;

  constructor(
    private readonly services: Services,
    private readonly engine: EngineClient,
    private readonly host: SchedulerHost,
  ) {}

  /** True while some document is being scored. */
  get busy(): boolean {
    return this.scoring > 0;
  }

  /** The scoring geometry of the loaded model (undefined while no model is ready). */
  private geometry(): Geometry | undefined {
    const state = this.engine.state;
    if (state.kind !== 'ready') return undefined;
    return scoringGeometry(state.info, this.host.settings.contextTokens, heatTopK);
  }

  /** The session of the loaded model, created on first use and owned by the engine lifetime. */
  private currentSession(): ScoringSession {
    if (!this.session || this.session.disposed) {
      this.session = this.services.engineScope.add(new ScoringSession());
    }
    return this.session;
  }

  private stateOf(doc: vscode.TextDocument): DocState | undefined {
    const session = this.session;
    return session && !session.disposed ? session.states.get(doc.uri.toString()) : undefined;
  }

  private stateFor(doc: vscode.TextDocument, geometry: Geometry): DocState {
    const session = this.currentSession();
    const key = doc.uri.toString();
    let state = session.states.get(key);
    if (!state) {
      state = { doc: new EntropyDocument(this.engine, geometry, session.cache) };
      session.states.set(key, state);
    } else state.doc.setGeometry(geometry);
    return state;
  }

  /** Whether the document has scoring state (it was scored, or is being scored). */
  has(doc: vscode.TextDocument): boolean {
    return this.stateOf(doc) !== undefined;
  }

  /** The scored text, only while it describes the text on screen (VS Code moves decorations along with edits meanwhile). */
  snapshotFor(doc: vscode.TextDocument): ScoredText | undefined {
    const state = this.stateOf(doc);
    return state && state.version === doc.version ? state.doc.current : undefined;
  }

  bitsPerByte(doc: vscode.TextDocument, selection?: { start: number; end: number }): ReturnType<EntropyDocument['bitsPerByte']> | undefined {
    return this.stateOf(doc)?.doc.bitsPerByte(selection);
  }

  /** Cancels all scoring (the heat map was turned off, or the model went away). */
  cancelAll(): void {
    if (this.session && !this.session.disposed) this.session.cancelAll();
  }

  // ---- events -------------------------------------------------------------------------------------

  onEdit(event: vscode.TextDocumentChangeEvent): void {
    const state = this.stateOf(event.document);
    if (!state) return;
    // Cancel on edit; rescore once typing pauses.
    cancel(state);
    if (this.host.enabled) this.schedule(event.document, editDebounceMs, 'edit');
  }

  onVisibleRanges(editor: vscode.TextEditor): void {
    if (!this.host.enabled) return;
    // Paint what is known at once; score what scrolled into view after a short pause.
    this.host.paint(editor);
    this.schedule(editor.document, scrollDebounceMs, 'scroll');
  }

  forget(doc: vscode.TextDocument): void {
    const state = this.stateOf(doc);
    if (!state) return;
    cancel(state);
    this.session?.states.delete(doc.uri.toString());
  }

  /** Rescores every visible document now. */
  refreshAll(reason: string): void {
    if (!this.host.enabled) return;
    const seen = new Set<vscode.TextDocument>();
    for (const editor of vscode.window.visibleTextEditors) {
      if (seen.has(editor.document)) continue;
      seen.add(editor.document);
      void this.refresh(editor.document, reason);
    }
    this.host.statusChanged();
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
    if (!this.host.enabled || !geometry) return;
    const editors = this.editorsOf(doc);
    if (editors.length === 0) return;
    if (!this.scoreable(doc)) {
      if (doc === vscode.window.activeTextEditor?.document) this.host.notScored(doc, `output panes and files over ${maxChars} characters are skipped`);
      return;
    }
    const state = this.stateFor(doc, geometry);
    if (state.reason === 'edit') reason = 'edit';
    cancel(state);
    const controller = new AbortController();
    state.controller = controller;
    const signal = controller.signal;
    const version = doc.version;
    const name = fileName(doc);
    const log = this.services.log;
    const paintAll = () => this.editorsOf(doc).forEach((e) => this.host.paint(e));
    this.scoring++;
    this.host.statusChanged();
    try {
      const t0 = performance.now();
      const update = await state.doc.update(doc.getText(), signal);
      if (doc.version !== version || signal.aborted) return;
      state.version = version;
      for (const editor of editors) this.host.paint(editor);
      // Visible ranges of every editor showing the document, as one span plus the view's margins.
      let start = Infinity;
      let end = -Infinity;
      for (const editor of editors)
        for (const r of editor.visibleRanges) {
          start = Math.min(start, doc.offsetAt(r.start));
          end = Math.max(end, doc.offsetAt(doc.lineAt(r.end.line).rangeIncludingLineBreak.end));
        }
      if (start > end) return;
      const near = await state.doc.scoreRange(start, end, viewMarginTokens, { signal, priority: 'background', onProgress: paintAll });
      if (near.requests > 0 || update.kind !== 'same')
        log.info(
          `heat map: ${name} (${reason}): ${update.tokens} tokens, ${update.kind === 'merge' ? `${update.kept} kept before the edit` : update.kind === 'cache' ? `${update.kept} from the content cache` : update.kind}; ` +
            `view scored ${near.newlyScored} tokens in ${(performance.now() - t0).toFixed(0)} ms (${near.computedTokens} through the model, ${near.requests} requests)`,
        );
      paintAll();
      this.host.statusChanged();
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
              this.host.statusChanged();
            }
          },
        });
      };
      const all =
        pending > progressWindows
          ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Tokenwise heat map: scoring ${name}` }, (p) => whole(p))
          : await whole();
      log.info(`heat map: ${name}: whole file scored, ${all.newlyScored} more tokens in ${(performance.now() - t1).toFixed(0)} ms (${all.computedTokens} through the model)`);
    } catch (error) {
      if (error instanceof CancelledError || signal.aborted) return;
      log.error(`heat map: ${name}: ${describeError(error)}`);
      this.services.notifyErrorOnce(`Entropy heat map failed: ${describeError(error)}`);
    } finally {
      this.scoring--;
      if (state.controller === controller) state.controller = undefined;
      if (this.host.enabled) this.host.statusChanged();
    }
  }
}
