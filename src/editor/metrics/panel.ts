/**
 * The compression metrics panel (host side): figures for the active file or selection, a
 * workspace scan streamed into the panel (files listed here through `vscode.workspace.fs` with
 * `files.exclude` and `.gitignore`; every file measured in the inference worker, never on this
 * thread), sortable per-file table, open a file, export CSV / JSON.
 */
import * as vscode from 'vscode';
import { CancelledError, describeError } from '../../core/base/errors';
import {
  MetricsAccumulator,
  defaultTokenizers,
  fileRow,
  metricsCsv,
  metricsJson,
  readSourceText,
  scanMetricsFiles,
  summarize,
  type FileMetrics,
  type FileRow,
  type MetricsParams,
} from '../../core/metrics';
import type { ActiveFigures, MetricsPanelProtocol, MetricsPanelState, ScanFigures } from '../../core/protocol/metricsPanel';
import type { ToHost } from '../../core/protocol/webview';
import type { EngineClient } from '../engine';
import { Panel, type PanelSpec } from '../panels/panel';
import { is, type Check, type Validators } from '../panels/messages';
import type { Services } from '../services';
import { readSetting } from '../settings';
import { vscodeWorkspaceFs } from '../workspaceFs';

export const metricsViewType = 'tokenwise.metrics';

const validators: Validators<MetricsPanelProtocol['toHost']> = {
  refresh: {},
  scanWorkspace: { bitsPerByte: is.boolean },
  cancelScan: {},
  openFile: { uri: is.string },
  export: { format: is.literal('csv', 'json') },
};

export const isMetricsPanelState: Check<MetricsPanelState> = (v): v is MetricsPanelState =>
  typeof v === 'object' && v !== null && (v as { version?: unknown }).version === 1 && Array.isArray((v as { rows?: unknown }).rows);

const spec: PanelSpec<MetricsPanelProtocol, MetricsPanelState> = {
  viewType: metricsViewType,
  title: 'Tokenwise: Compression Metrics',
  script: 'metrics.js',
  bundledStyles: ['metrics.css'],
  validators,
  isState: isMetricsPanelState,
};

/** Largest active text measured with the model on open (bits per byte of longer files: run a scan). */
const maxActiveScoredChars = 400_000;

export class MetricsPanel extends Panel<MetricsPanelProtocol, MetricsPanelState> {
  private activeRun: AbortController | undefined;
  private scanRun: AbortController | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private lastEditor: vscode.TextEditor | undefined;
  /** The last results, for export: the scan's rows and summaries, else the active file's. */
  private scanReport: { rows: FileRow[]; acc: MetricsAccumulator; languages: Map<string, MetricsAccumulator> } | undefined;
  private activeReport: { file: FileMetrics; reference: string } | undefined;
  private readonly openable = new Set<string>();

  constructor(services: Services, private readonly engine: EngineClient, panel: vscode.WebviewPanel, restored?: MetricsPanelState) {
    super(services, spec, panel, restored);
    for (const r of restored?.rows ?? []) if (typeof r?.uri === 'string') this.openable.add(r.uri);
    this.own(vscode.window.onDidChangeActiveTextEditor((e) => e && this.scheduleRefresh()));
    this.own(vscode.window.onDidChangeTextEditorSelection((e) => e.textEditor === vscode.window.activeTextEditor && this.scheduleRefresh(400)));
    this.own({ dispose: () => (this.activeRun?.abort(), this.scanRun?.abort(), clearTimeout(this.refreshTimer)) });
  }

  static create(services: Services, engine: EngineClient): MetricsPanel {
    return new MetricsPanel(services, engine, Panel.createWebviewPanel(services.extensionUri, metricsViewType, spec.title));
  }

  protected override onReady(): void {
    void this.refresh();
  }

  protected override async onMessage(message: ToHost<MetricsPanelProtocol>): Promise<void> {
    switch (message.type) {
      case 'ready':
        return;
      case 'refresh':
        return this.refresh();
      case 'scanWorkspace':
        return this.scan(message.bitsPerByte);
      case 'cancelScan':
        this.scanRun?.abort();
        return;
      case 'openFile':
        // Only files this panel listed: a message cannot open an arbitrary URI.
        if (!this.openable.has(message.uri)) {
          this.services.log.warn(`metrics panel: refused to open a file it did not list (${message.uri.slice(0, 200)})`);
          return;
        }
        await vscode.window.showTextDocument(vscode.Uri.parse(message.uri), { preview: true, viewColumn: vscode.ViewColumn.One });
        return;
      case 'export':
        return this.export(message.format);
    }
  }

  private scheduleRefresh(delayMs = 150): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), delayMs);
  }

  private comparison(scope?: vscode.ConfigurationScope): { tokenizers: string[]; reference: string } {
    const extra = readSetting('metrics.extraTokenizers');
    return { tokenizers: [...defaultTokenizers, 'model', ...extra], reference: readSetting('metrics.reference', scope) || 'o200k_base' };
  }

  private request(params: MetricsParams, signal: AbortSignal): Promise<FileMetrics> {
    return this.engine.request('metrics', params, { signal, priority: 'background' });
  }

  /** Figures for the active editor's selection (when not empty) or file: tokenizers first, then with the model. */
  async refresh(): Promise<void> {
    const editor = vscode.window.activeTextEditor ?? this.lastEditor;
    if (!editor || editor.document.isClosed) {
      this.post({ type: 'noActive', reason: 'Open a file to see its figures, or scan the workspace.' });
      return;
    }
    this.lastEditor = editor;
    this.activeRun?.abort();
    const run = new AbortController();
    this.activeRun = run;
    const doc = editor.document;
    const selection = editor.selection;
    const scope: ActiveFigures['scope'] = selection.isEmpty ? 'file' : 'selection';
    const text = scope === 'file' ? doc.getText() : doc.getText(selection);
    const uri = doc.uri.toString();
    const { tokenizers, reference } = this.comparison(doc.uri);
    const withModel = readSetting('metrics.bitsPerByte', doc.uri) && this.engine.state.kind === 'ready' && text.length <= maxActiveScoredChars;
    const base: MetricsParams = { uri, text, languageId: doc.languageId, tokenizers, reference, bitsPerByte: false, contextTokens: readSetting('heatmap.contextTokens', doc.uri) };
    const title = `${vscode.workspace.asRelativePath(doc.uri)}${scope === 'selection' ? ` (selection, lines ${selection.start.line + 1}–${selection.end.line + 1})` : ''}`;
    const show = (file: FileMetrics, scoring: boolean) => {
      const referenceName = file.tokenizers[0]?.tokenizer ?? reference;
      this.activeReport = { file, reference: referenceName };
      const notes = [...file.notes];
      if (!withModel && readSetting('metrics.bitsPerByte', doc.uri))
        notes.push(this.engine.state.kind !== 'ready' ? 'bits per byte: the model is not loaded' : `bits per byte: text over ${maxActiveScoredChars} characters (scan the workspace for it)`);
      this.post({ type: 'active', figures: { scope, title, uri, summary: summarize([file], referenceName), scoring, notes } });
    };
    try {
      show(await this.request(base, run.signal), withModel);
      if (withModel) show(await this.request({ ...base, bitsPerByte: true }, run.signal), false);
    } catch (error) {
      if (error instanceof CancelledError || run.signal.aborted) return;
      this.post({ type: 'error', message: describeError(error) });
    }
  }

  /** Scans every workspace folder; rows and figures stream into the panel. */
  async scan(bitsPerByte: boolean): Promise<void> {
    this.scanRun?.abort();
    const run = new AbortController();
    this.scanRun = run;
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      this.post({ type: 'error', message: 'No workspace folder is open.' });
      return;
    }
    const { tokenizers, reference } = this.comparison();
    const withModel = bitsPerByte && this.engine.state.kind === 'ready';
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Tokenwise: compression metrics', cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => run.abort());
      const files: string[] = [];
      let skippedLarge = 0;
      let truncated = false;
      try {
        for (const folder of folders) {
          progress.report({ message: `listing ${folder.name}…` });
          const filesExclude = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude') ?? {};
          const listed = await scanMetricsFiles(vscodeWorkspaceFs, folder.uri.toString(), { filesExclude, gitignore: true, signal: run.signal });
          files.push(...listed.files.map((f) => f.uri));
          skippedLarge += listed.skippedLarge;
          truncated ||= listed.truncated;
        }
      } catch (error) {
        if (!run.signal.aborted) this.post({ type: 'error', message: `Listing the workspace failed: ${describeError(error)}` });
        return;
      }
      let acc: MetricsAccumulator | undefined;
      const languages = new Map<string, MetricsAccumulator>();
      const rows: FileRow[] = [];
      let binaries = 0;
      let failed = 0;
      let pending: FileRow[] = [];
      let lastPost = 0;
      let done = 0;
      const figures = (state: ScanFigures['state']): ScanFigures => ({
        summary: acc ? acc.summary() : summarize([], reference),
        languages: [...languages].map(([language, a]) => ({ language, summary: a.summary() })).sort((a, b) => b.summary.bytes - a.summary.bytes),
        done,
        total: files.length,
        state,
        skipped: [
          skippedLarge ? `${skippedLarge} files over 1 MB` : '',
          binaries ? `${binaries} binary files` : '',
          failed ? `${failed} unreadable` : '',
          truncated ? 'stopped at 20,000 files' : '',
          withModel || !bitsPerByte ? '' : 'bits per byte: the model is not loaded',
        ]
          .filter(Boolean)
          .join(', '),
      });
      const flush = (state: ScanFigures['state']) => {
        this.post({ type: 'scanProgress', figures: figures(state), rows: pending });
        pending = [];
        lastPost = Date.now();
      };
      this.scanReport = undefined;
      flush('running');
      for (const uri of files) {
        if (run.signal.aborted) break;
        try {
          const text = await readSourceText(vscodeWorkspaceFs, uri);
          if (text === undefined) binaries++;
          else {
            const file = await this.request({ uri, text, tokenizers, reference, bitsPerByte: withModel }, run.signal);
            acc ??= new MetricsAccumulator(file.tokenizers[0]?.tokenizer ?? reference);
            acc.add(file);
            let lang = languages.get(file.language);
            if (!lang) languages.set(file.language, (lang = new MetricsAccumulator(acc.reference)));
            lang.add(file);
            const row = { ...fileRow(file, acc.reference), label: vscode.workspace.asRelativePath(vscode.Uri.parse(uri)) };
            rows.push(row);
            pending.push(row);
            this.openable.add(uri);
          }
        } catch (error) {
          if (run.signal.aborted || error instanceof CancelledError) break;
          failed++;
          this.services.log.warn(`metrics scan: ${uri}: ${describeError(error)}`);
        }
        done++;
        progress.report({ message: `${done} / ${files.length} files`, increment: 100 / Math.max(1, files.length) });
        if (Date.now() - lastPost > 300) flush('running');
      }
      if (acc) this.scanReport = { rows, acc, languages };
      flush(run.signal.aborted ? 'cancelled' : 'done');
    });
  }

  private async export(format: 'csv' | 'json'): Promise<void> {
    let rows: FileRow[];
    let json: () => Record<string, unknown>;
    if (this.scanReport) {
      const { rows: r, acc, languages } = this.scanReport;
      rows = r;
      json = () => metricsJson({ summary: acc.summary(), languages: [...languages].map(([language, a]) => ({ language, summary: a.summary() })), rows });
    } else if (this.activeReport) {
      const { file, reference } = this.activeReport;
      rows = [fileRow(file, reference)];
      json = () => metricsJson({ summary: summarize([file], reference), languages: [{ language: file.language, summary: summarize([file], reference) }], rows });
    } else {
      this.post({ type: 'error', message: 'Nothing to export yet.' });
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      filters: format === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `tokenwise-metrics.${format}`) } : {}),
    });
    if (!target) return;
    const content = format === 'csv' ? metricsCsv(rows) : JSON.stringify(json(), null, 2) + '\n';
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(content));
    void vscode.window.showInformationMessage(`Tokenwise: wrote ${rows.length} file row(s) to ${vscode.workspace.asRelativePath(target)}.`);
  }
}
