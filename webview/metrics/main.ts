// The compression metrics panel (dist/webview/metrics.js). Renders what the host sends: figures
// of the active file or selection, and a workspace scan streamed in. Document text (file names,
// identifiers) is always inserted as text, never as HTML. State survives hide/show and reloads
// through getState/setState.
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { createMessaging } from '../shared/messaging';
import type { MetricsPanelProtocol, MetricsPanelState } from '../../src/core/protocol/metricsPanel';
import type { FileRow, MetricsSummary, TokenizerSummary } from '../../src/core/metrics/types';
import { drawChart, redrawCharts, resizeCharts, type ChartSpec } from './charts';
import { isActiveFigures, isRec, isRow, isScanFigures, isState, isStr } from './validate';

const messaging = createMessaging<MetricsPanelProtocol, MetricsPanelState>(isState);
const maxRowsKept = 5000;
let state: MetricsPanelState = messaging.getState() ?? { version: 1, rows: [], sort: { column: 'bytes', descending: true }, tab: 'active' };

// ---------- small DOM helpers (text only) ----------
function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  return e;
}
const fmt = (x: number | null | undefined, digits = 2) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(digits));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? 'n/a' : `${(100 * x).toFixed(1)} %`);
const int = (x: number) => x.toLocaleString('en-US');

// ---------- layout ----------
const root = document.getElementById('root')!;
const tabActive = el('button', { id: 'tab-active', role: 'tab', type: 'button' }, 'This file');
const tabWorkspace = el('button', { id: 'tab-workspace', role: 'tab', type: 'button' }, 'Workspace');
const exportCsv = el('button', { id: 'export-csv', type: 'button' }, 'Export CSV');
const exportJson = el('button', { id: 'export-json', type: 'button' }, 'Export JSON');
const refresh = el('button', { id: 'refresh', type: 'button', title: 'Measure the active editor again' }, 'Refresh');
const errorBox = el('div', { id: 'error', role: 'alert', class: 'error', hidden: '' });
const activeView = el('section', { id: 'active-view', role: 'tabpanel', 'aria-labelledby': 'tab-active' });
const workspaceView = el('section', { id: 'workspace-view', role: 'tabpanel', 'aria-labelledby': 'tab-workspace' });
const scanButton = el('button', { id: 'scan', type: 'button' }, 'Scan workspace');
const scanBpb = el('input', { id: 'scan-bpb', type: 'checkbox' });
const cancelButton = el('button', { id: 'cancel-scan', type: 'button', disabled: '' }, 'Cancel');
const scanStatus = el('p', { id: 'scan-status', role: 'status', 'aria-live': 'polite' });
const scanSummary = el('div', { id: 'scan-summary' });
const fileTable = el('table', { id: 'file-table', class: 'data' });
root.append(
  el('header', {}, el('h1', {}, 'Compression metrics'), el('div', { role: 'tablist', 'aria-label': 'Scope' }, tabActive, tabWorkspace), el('div', { class: 'actions' }, refresh, exportCsv, exportJson)),
  errorBox,
  activeView,
  workspaceView,
);
workspaceView.append(
  el('div', { class: 'actions' }, scanButton, el('label', { for: 'scan-bpb' }, scanBpb, ' with bits per byte (model; slower)'), cancelButton),
  scanStatus,
  scanSummary,
  el('h2', {}, 'Files'),
  el('p', { class: 'hint' }, 'Sort by a column header; open a file with its button.'),
  fileTable,
);

function selectTab(tab: MetricsPanelState['tab']): void {
  state.tab = tab;
  tabActive.setAttribute('aria-selected', String(tab === 'active'));
  tabWorkspace.setAttribute('aria-selected', String(tab === 'workspace'));
  tabActive.tabIndex = tab === 'active' ? 0 : -1;
  tabWorkspace.tabIndex = tab === 'workspace' ? 0 : -1;
  activeView.hidden = tab !== 'active';
  workspaceView.hidden = tab !== 'workspace';
  save();
  resizeCharts();
}
tabActive.addEventListener('click', () => selectTab('active'));
tabWorkspace.addEventListener('click', () => selectTab('workspace'));
for (const t of [tabActive, tabWorkspace])
  t.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const next = state.tab === 'active' ? tabWorkspace : tabActive;
      selectTab(next === tabActive ? 'active' : 'workspace');
      next.focus();
    }
  });
refresh.addEventListener('click', () => messaging.post({ type: 'refresh' }));
exportCsv.addEventListener('click', () => messaging.post({ type: 'export', format: 'csv' }));
exportJson.addEventListener('click', () => messaging.post({ type: 'export', format: 'json' }));
scanButton.addEventListener('click', () => {
  state.rows = [];
  renderRows();
  messaging.post({ type: 'scanWorkspace', bitsPerByte: scanBpb.checked });
});
cancelButton.addEventListener('click', () => messaging.post({ type: 'cancelScan' }));

function save(): void {
  messaging.setState(state);
}

function showError(message: string | undefined): void {
  errorBox.hidden = !message;
  errorBox.textContent = message ?? '';
}

// ---------- figures ----------
function card(label: string, value: string, id: string, detail?: string): HTMLElement {
  return el('div', { class: 'card', id }, el('div', { class: 'card-label' }, label), el('div', { class: 'card-value' }, value), ...(detail ? [el('div', { class: 'card-detail' }, detail)] : []));
}

function cards(s: MetricsSummary, scoring: boolean): HTMLElement {
  const ref = s.tokenizers.find((t) => t.tokenizer === s.reference) ?? s.tokenizers[0];
  const gzip = s.compression.find((c) => c.name.startsWith('gzip'));
  const items = [
    card('Bytes', int(s.bytes), 'card-bytes', `${int(s.chars)} characters, ${int(s.lines)} lines`),
    card(`Tokens (${ref?.tokenizer ?? 'n/a'})`, ref ? int(ref.tokens) : 'n/a', 'card-tokens', ref ? `${fmt(ref.tokensPerLine.mean)} per line` : undefined),
    card('Bytes per token', ref ? fmt(ref.bytesPerToken.mean) : 'n/a', 'card-bytes-per-token', ref ? `median ${ref.bytesPerToken.median}, p95 ${ref.bytesPerToken.p95}` : undefined),
    card('Model bits per byte', s.model ? fmt(s.model.bitsPerByte, 3) : scoring ? 'scoring…' : 'n/a', 'card-bpb', s.model ? `${s.model.model}${s.model.complete ? '' : ' (partial)'}` : undefined),
    card('gzip -9 bits per byte', gzip ? fmt(gzip.bitsPerByte, 3) : 'n/a', 'card-gzip', s.compression.filter((c) => c !== gzip).map((c) => `${c.name} ${fmt(c.bitsPerByte, 3)}`).join(', ')),
  ];
  if (s.model?.informationCapacity !== undefined)
    items.push(card('Information capacity', fmt(s.model.informationCapacity, 4), 'card-ic', `b = ${s.model.numeratorBias}, ${s.model.flopsPerToken?.toExponential(2)} FLOPs/token`));
  return el('div', { class: 'cards' }, ...items);
}

const tokenizerRows: Array<[string, (t: TokenizerSummary) => string]> = [
  ['Tokens', (t) => int(t.tokens)],
  ['Premium (vs reference)', (t) => fmt(t.premium, 3)],
  ['Bytes / token: mean · median · p95', (t) => `${fmt(t.bytesPerToken.mean)} · ${t.bytesPerToken.median} · ${t.bytesPerToken.p95}`],
  ['Chars / token: mean · median · p95', (t) => `${fmt(t.charsPerToken.mean)} · ${t.charsPerToken.median} · ${t.charsPerToken.p95}`],
  ['Tokens / line: mean · median · p95', (t) => `${fmt(t.tokensPerLine.mean)} · ${t.tokensPerLine.median} · ${t.tokensPerLine.p95}`],
  ['Whitespace-only tokens', (t) => pct(t.whitespaceShare)],
  ['Tokens splitting a UTF-8 character', (t) => pct(t.splitCharShare)],
  ['Identifiers', (t) => int(t.identifiers)],
  ['Tokens per identifier', (t) => fmt(t.identifierTokensMean)],
  ['Identifiers split (≥ 2 tokens)', (t) => pct(t.identifierSplitShare)],
  ['Tokens crossing an identifier boundary', (t) => pct(t.crossingShare)],
  ['Purity: all tokens', (t) => pct(t.purity.all)],
  ['Purity: identifier tokens', (t) => pct(t.purity.identifierTokens)],
  ['Purity: unique identifier tokens', (t) => pct(t.purity.unique)],
];

function tokenizerTable(s: MetricsSummary, id: string): HTMLTableElement {
  const head = el('tr', {}, el('th', { scope: 'col' }, 'Metric'), ...s.tokenizers.map((t) => el('th', { scope: 'col' }, t.tokenizer + (t.tokenizer === s.reference ? ' (reference)' : ''))));
  const body = tokenizerRows.map(([label, get]) => el('tr', {}, el('th', { scope: 'row' }, label), ...s.tokenizers.map((t) => el('td', {}, get(t)))));
  return el('table', { class: 'data', id }, el('caption', {}, 'Side by side per tokenizer'), el('thead', {}, head), el('tbody', {}, ...body));
}

function figure(id: string, caption: string): { wrap: HTMLElement; host: HTMLElement } {
  const host = el('div', { class: 'chart', id });
  return { wrap: el('figure', {}, host, el('figcaption', {}, caption)), host };
}

function histogramSpec(title: string, xLabel: string, s: MetricsSummary, pick: (t: TokenizerSummary) => number[], maxBins: number): ChartSpec {
  const len = Math.min(maxBins, Math.max(1, ...s.tokenizers.map((t) => pick(t).length)));
  const x = Array.from({ length: len }, (_v, i) => i);
  return {
    title,
    kind: 'step',
    x,
    xLabel,
    yLabel: 'share %',
    series: s.tokenizers.map((t) => {
      const h = pick(t);
      const n = h.reduce((a, b) => a + b, 0) || 1;
      return { label: t.tokenizer, values: x.map((i) => (100 * (h[i] ?? 0)) / n) };
    }),
  };
}

function chartsFor(s: MetricsSummary, prefix: string): { section: HTMLElement; draw: () => void } {
  const perLine = figure(`${prefix}-chart-tokens-per-line`, 'Tokens per line (share of lines)');
  const lengths = figure(`${prefix}-chart-token-length`, 'Token length in bytes (share of tokens)');
  const purity = figure(`${prefix}-chart-purity`, 'Purity and identifier fragmentation per tokenizer (%)');
  const p95 = Math.max(...s.tokenizers.map((t) => t.tokensPerLine.p95));
  const draw = () => {
    drawChart(perLine.host, histogramSpec('Histogram of tokens per line per tokenizer', 'tokens per line', s, (t) => t.tokensPerLineHistogram, Math.max(8, Math.min(256, Math.ceil(p95 * 1.5) + 1))));
    drawChart(lengths.host, histogramSpec('Distribution of token lengths in bytes per tokenizer', 'bytes per token', s, (t) => t.tokenBytesHistogram, 33));
    const x = s.tokenizers.map((t) => t.tokenizer);
    drawChart(purity.host, {
      title: 'Purity of all tokens, of identifier tokens, of unique identifier tokens, and the share of split identifiers, per tokenizer',
      kind: 'dots',
      x,
      xLabel: 'tokenizer',
      yLabel: '%',
      series: [
        { label: 'pure (all)', values: s.tokenizers.map((t) => 100 * t.purity.all) },
        { label: 'pure (identifier tokens)', values: s.tokenizers.map((t) => (t.purity.identifierTokens === null ? null : 100 * t.purity.identifierTokens)) },
        { label: 'pure (unique)', values: s.tokenizers.map((t) => (t.purity.unique === null ? null : 100 * t.purity.unique)) },
        { label: 'identifiers split', values: s.tokenizers.map((t) => (t.identifierSplitShare === null ? null : 100 * t.identifierSplitShare)) },
      ],
    });
  };
  return { section: el('div', { class: 'charts' }, perLine.wrap, lengths.wrap, purity.wrap), draw };
}

function worstList(s: MetricsSummary): HTMLElement {
  const ref = s.tokenizers.find((t) => t.tokenizer === s.reference) ?? s.tokenizers[0];
  const items = (ref?.worst ?? []).map((w) => el('li', {}, el('code', {}, w.pieces.join('·')), ` ${w.tokens} tokens`));
  return el('div', { id: 'worst' }, el('h2', {}, `Most fragmented identifiers (${ref?.tokenizer ?? 'n/a'})`), items.length ? el('ol', {}, ...items) : el('p', { class: 'hint' }, 'No identifier is split into several tokens (or the language has no grammar here).'));
}

function renderActive(): void {
  const f = state.active;
  activeView.replaceChildren();
  if (!f) {
    activeView.append(el('p', { class: 'hint', id: 'active-empty' }, 'Open a file to see its figures.'));
    return;
  }
  const charts = chartsFor(f.summary, 'active');
  activeView.append(
    el('h2', { id: 'active-title' }, f.title),
    ...f.notes.map((n) => el('p', { class: 'note' }, n)),
    cards(f.summary, f.scoring),
    tokenizerTable(f.summary, 'tokenizer-table'),
    charts.section,
    worstList(f.summary),
  );
  charts.draw();
}

function renderScan(): void {
  const scan = state.scan;
  scanSummary.replaceChildren();
  if (!scan) {
    scanStatus.textContent = 'Scan the workspace folders (files.exclude and .gitignore apply; binaries, files over 1 MB and build output are skipped).';
    return;
  }
  scanStatus.textContent = `${scan.state === 'running' ? 'Scanning' : scan.state === 'done' ? 'Done' : 'Cancelled'}: ${int(scan.done)} of ${int(scan.total)} files${scan.skipped ? `; skipped ${scan.skipped}` : ''}.`;
  scanButton.disabled = scan.state === 'running';
  cancelButton.disabled = scan.state !== 'running';
  if (scan.summary.files === 0) return;
  const charts = chartsFor(scan.summary, 'scan');
  const premium = figure('scan-chart-premium', 'Token premium by language (tokens relative to the reference)');
  const bpb = figure('scan-chart-bpb', 'Bits per byte per file: the model against gzip -9 and brotli (files by gzip bits per byte)');
  scanSummary.append(cards(scan.summary, false), tokenizerTable(scan.summary, 'scan-tokenizer-table'), charts.section, el('div', { class: 'charts' }, premium.wrap, bpb.wrap));
  charts.draw();
  const langs = scan.languages;
  drawChart(premium.host, {
    title: 'Premium of each tokenizer by language',
    kind: 'dots',
    x: langs.map((l) => l.language),
    xLabel: 'language',
    yLabel: 'premium',
    series: scan.summary.tokenizers.map((t) => ({ label: t.tokenizer, values: langs.map((l) => l.summary.tokenizers.find((u) => u.tokenizer === t.tokenizer)?.premium ?? null) })),
  });
  const rows = [...state.rows].sort((a, b) => (a.compression['gzip -9'] ?? 0) - (b.compression['gzip -9'] ?? 0));
  const compressors = [...new Set(rows.flatMap((r) => Object.keys(r.compression)))];
  drawChart(bpb.host, {
    title: 'Bits per byte of each file under the model, gzip and brotli',
    kind: 'lines',
    x: rows.map((_r, i) => i + 1),
    xLabel: 'file (by gzip bits/byte)',
    yLabel: 'bits per byte',
    series: [...(rows.some((r) => r.bitsPerByte !== undefined) ? [{ label: 'model', values: rows.map((r) => r.bitsPerByte ?? null) }] : []), ...compressors.map((c) => ({ label: c, values: rows.map((r) => r.compression[c] ?? null) }))],
  });
}

// ---------- per-file table ----------
type Column = { key: string; label: string; value: (r: FileRow) => number | string | null; format?: (v: number) => string };
function columns(): Column[] {
  const tokenizers = [...new Set(state.rows.flatMap((r) => Object.keys(r.tokens)))];
  const compressors = [...new Set(state.rows.flatMap((r) => Object.keys(r.compression)))];
  const cols: Column[] = [
    { key: 'file', label: 'File', value: (r) => r.label ?? r.uri },
    { key: 'language', label: 'Language', value: (r) => r.language },
    { key: 'bytes', label: 'Bytes', value: (r) => r.bytes, format: int },
    { key: 'lines', label: 'Lines', value: (r) => r.lines, format: int },
  ];
  for (const t of tokenizers) {
    cols.push({ key: `tokens:${t}`, label: `Tokens ${t}`, value: (r) => r.tokens[t] ?? null, format: int });
    cols.push({ key: `bpt:${t}`, label: `Bytes/token ${t}`, value: (r) => r.bytesPerToken[t] ?? null, format: (v) => v.toFixed(2) });
    cols.push({ key: `premium:${t}`, label: `Premium ${t}`, value: (r) => r.premium[t] ?? null, format: (v) => v.toFixed(3) });
  }
  for (const c of compressors) cols.push({ key: `c:${c}`, label: `${c} bits/byte`, value: (r) => r.compression[c] ?? null, format: (v) => v.toFixed(3) });
  if (state.rows.some((r) => r.bitsPerByte !== undefined)) cols.push({ key: 'bpb', label: 'Model bits/byte', value: (r) => r.bitsPerByte ?? null, format: (v) => v.toFixed(3) });
  return cols;
}

function renderRows(): void {
  const cols = columns();
  const col = cols.find((c) => c.key === state.sort.column) ?? cols[2]!;
  const dir = state.sort.descending ? -1 : 1;
  const rows = [...state.rows].sort((a, b) => {
    const x = col.value(a);
    const y = col.value(b);
    if (x === y) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x < y ? -1 : 1) * dir;
  });
  const head = el(
    'tr',
    {},
    ...cols.map((c) => {
      const sorted = c.key === col.key;
      const button = el('button', { type: 'button', class: 'sort', 'data-column': c.key }, c.label + (sorted ? (state.sort.descending ? ' ▼' : ' ▲') : ''));
      button.addEventListener('click', () => {
        state.sort = { column: c.key, descending: sorted ? !state.sort.descending : c.key !== 'file' && c.key !== 'language' };
        save();
        renderRows();
        (fileTable.querySelector(`button[data-column="${CSS.escape(c.key)}"]`) as HTMLButtonElement | null)?.focus();
      });
      return el('th', { scope: 'col', 'aria-sort': sorted ? (state.sort.descending ? 'descending' : 'ascending') : 'none' }, button);
    }),
  );
  const body = rows.slice(0, 2000).map((r) =>
    el(
      'tr',
      {},
      ...cols.map((c, i) => {
        const v = c.value(r);
        const text = v === null ? 'n/a' : typeof v === 'number' && c.format ? c.format(v) : String(v);
        if (i !== 0) return el('td', {}, text);
        const open = el('button', { type: 'button', class: 'link', title: `Open ${text}` }, text);
        open.addEventListener('click', () => messaging.post({ type: 'openFile', uri: r.uri }));
        return el('td', {}, open);
      }),
    ),
  );
  fileTable.replaceChildren(el('caption', {}, rows.length > 2000 ? `First 2,000 of ${int(rows.length)} files` : `${int(rows.length)} files`), el('thead', {}, head), el('tbody', {}, ...body));
}

// ---------- messages ----------
function reject(type: string): void {
  console.warn(`tokenwise metrics: ignored a malformed "${type}" message`);
}

messaging.onMessage('active', (m) => {
  if (!isActiveFigures((m as { figures?: unknown }).figures)) return reject('active');
  showError(undefined);
  state.active = m.figures;
  save();
  renderActive();
});
messaging.onMessage('noActive', (m) => {
  if (!isStr((m as { reason?: unknown }).reason)) return reject('noActive');
  if (!state.active) {
    activeView.replaceChildren(el('p', { class: 'hint', id: 'active-empty' }, m.reason));
  }
});
messaging.onMessage('scanProgress', (m) => {
  const rows = (m as { rows?: unknown }).rows;
  if (!isScanFigures((m as { figures?: unknown }).figures) || !Array.isArray(rows) || !rows.every(isRow)) return reject('scanProgress');
  showError(undefined);
  if (m.figures.state === 'running' && m.figures.done === 0) state.rows = [];
  state.scan = m.figures;
  state.rows = [...state.rows, ...m.rows].slice(0, maxRowsKept);
  if (state.tab !== 'workspace') selectTab('workspace');
  save();
  renderScan();
  renderRows();
});
messaging.onMessage('error', (m) => {
  if (!isRec(m) || !isStr((m as { message?: unknown }).message)) return reject('error');
  showError(m.message);
});

// Theme (light, dark, high contrast: body classes set by VS Code) and size changes redraw charts.
new MutationObserver(() => redrawCharts()).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
new ResizeObserver(() => resizeCharts()).observe(root);

selectTab(state.tab);
renderActive();
renderScan();
renderRows();
messaging.ready();
