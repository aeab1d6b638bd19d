// Charts of the metrics panel, drawn with uPlot (canvas; no eval, no inline styles in markup, so
// it runs under the panel's strict CSP). Colours come from VS Code's theme variables
// (--vscode-charts-*, --vscode-foreground), re-read when the theme changes.
import uPlot from 'uplot';

export interface Series {
  label: string;
  values: Array<number | null>;
}

export interface ChartSpec {
  /** Accessible name of the chart (aria-label of its figure). */
  title: string;
  /** x positions (numbers) or categories (labels of 0, 1, 2, …). */
  x: number[] | string[];
  series: Series[];
  xLabel: string;
  yLabel: string;
  /** 'step': histograms; 'dots': categories; 'lines': values per file. */
  kind: 'step' | 'dots' | 'lines';
}

const paletteVars = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const fallback = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];

function themeColor(name: string, otherwise: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || otherwise;
}

export function palette(i: number): string {
  return themeColor(paletteVars[i % paletteVars.length]!, fallback[i % fallback.length]!);
}

const charts = new Map<HTMLElement, { plot: uPlot; spec: ChartSpec }>();

function options(spec: ChartSpec, width: number): uPlot.Options {
  const fg = themeColor('--vscode-foreground', '#cccccc');
  const grid = themeColor('--vscode-editorWidget-border', themeColor('--vscode-panel-border', '#80808059'));
  const categories = typeof spec.x[0] === 'string' ? (spec.x as string[]) : undefined;
  const axis = (label: string): uPlot.Axis => ({ label, stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } });
  const xAxis = axis(spec.xLabel);
  if (categories) {
    xAxis.values = (_u, splits) => splits.map((v) => (Number.isInteger(v) ? (categories[v] ?? '') : ''));
    xAxis.splits = () => categories.map((_c, i) => i);
  }
  return {
    width,
    height: 220,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, ...(categories ? { range: [-0.5, categories.length - 0.5] as uPlot.Range.MinMax } : {}) } },
    axes: [xAxis, axis(spec.yLabel)],
    series: [
      { label: spec.xLabel, value: categories ? (_u, v) => (v === null ? '' : (categories[v] ?? '')) : undefined },
      ...spec.series.map((s, i): uPlot.Series => {
        const stroke = palette(i);
        if (spec.kind === 'dots') return { label: s.label, stroke, fill: stroke, width: 0, paths: () => null, points: { show: true, size: 9, fill: stroke, stroke } };
        if (spec.kind === 'step') return { label: s.label, stroke, width: 2, paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false } };
        return { label: s.label, stroke, width: 1.5, points: { show: true, size: 4 } };
      }),
    ],
  };
}

/** Draws (or redraws) a chart into `host`. */
export function drawChart(host: HTMLElement, spec: ChartSpec): void {
  charts.get(host)?.plot.destroy();
  host.replaceChildren();
  host.setAttribute('role', 'img');
  host.setAttribute('aria-label', spec.title);
  const x = spec.x.map((v, i) => (typeof v === 'string' ? i : v));
  const data: uPlot.AlignedData = [x, ...spec.series.map((s) => s.values)];
  const width = Math.max(280, host.clientWidth || 480);
  const plot = new uPlot(options(spec, width), data, host);
  charts.set(host, { plot, spec });
}

/** Redraws every chart (theme changed: colours are read again). */
export function redrawCharts(): void {
  for (const [host, { spec }] of [...charts]) if (host.isConnected) drawChart(host, spec);
}

export function resizeCharts(): void {
  for (const [host, { plot }] of charts) if (host.isConnected) plot.setSize({ width: Math.max(280, host.clientWidth || 480), height: 220 });
}

export function chartCount(): number {
  let n = 0;
  for (const host of charts.keys()) if (host.isConnected) n++;
  return n;
}
