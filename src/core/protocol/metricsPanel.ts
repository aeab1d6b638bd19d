/**
 * Messages of the compression metrics panel (src/editor/metrics ↔ webview/metrics). Plain data:
 * summaries and per-file rows from core/metrics. Types only (the webview reads them too).
 */
import type { FileRow, MetricsSummary } from '../metrics/types';
import type { WebviewProtocol } from './webview';

export interface LanguageSummary {
  language: string;
  summary: MetricsSummary;
}

/** What the panel shows for the active editor. */
export interface ActiveFigures {
  /** `file` (the whole active file) or `selection`. */
  scope: 'file' | 'selection';
  /** File name (shown as text). */
  title: string;
  uri: string;
  summary: MetricsSummary;
  /** Still scoring with the model: a second `active` message follows with bits per byte. */
  scoring: boolean;
  notes: string[];
}

export interface ScanFigures {
  summary: MetricsSummary;
  languages: LanguageSummary[];
  done: number;
  total: number;
  state: 'running' | 'done' | 'cancelled';
  /** One line on what the scan left out (size, binaries, the file limit). */
  skipped: string;
}

export interface MetricsPanelProtocol extends WebviewProtocol {
  toWebview: {
    active: { figures: ActiveFigures };
    /** No text editor is active (or its document is not text). */
    noActive: { reason: string };
    scanProgress: { figures: ScanFigures; rows: FileRow[] };
    error: { message: string };
  };
  toHost: {
    refresh: Record<never, never>;
    scanWorkspace: { bitsPerByte: boolean };
    cancelScan: Record<never, never>;
    openFile: { uri: string };
    export: { format: 'csv' | 'json' };
  };
}

/** What the webview keeps across hide/show and reloads (`setState`). */
export interface MetricsPanelState {
  version: 1;
  active?: ActiveFigures;
  scan?: ScanFigures;
  rows: FileRow[];
  sort: { column: string; descending: boolean };
  tab: 'active' | 'workspace';
}
