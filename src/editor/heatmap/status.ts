/**
 * The heat map's status bar item: bits per byte of the file (or the selection) under the model,
 * a legend of the colours in the tooltip, and the model's state while there is no heat map.
 * Clicking it turns the heat map off.
 */
import * as vscode from 'vscode';
import type { EngineState } from '../engine';
import type { HeatmapSettings } from '../settings';
import { levelLabels } from '../../core/entropy';
import type { Scheduler } from './scheduling';

/** Legend glyphs: intensity bars for the scales, GLTR's colours for the rank buckets. */
const scaleGlyphs = ['▁', '▂', '▄', '▆', '█'];
const rankGlyphs = ['🟩', '🟨', '🟥', '🟪'];

export function legend(settings: HeatmapSettings): string {
  const { metric, thresholds, style } = settings;
  const labels = levelLabels(metric, thresholds);
  const glyphs = metric === 'rank' ? rankGlyphs : scaleGlyphs;
  const what =
    metric === 'surprisal' ? 'surprisal (−log₂ p of the token)' : metric === 'entropy' ? 'entropy of the prediction before the token' : 'rank of the token in the prediction (GLTR)';
  return `**${metric}** — ${what}, as ${style === 'background' ? 'background' : 'underline'} ${metric === 'rank' ? 'colour' : 'intensity'}:  \n${labels.map((l, i) => `${glyphs[i]} ${l}`).join(' · ')}`;
}

export class HeatStatus implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem('tokenwise.heatmap', vscode.StatusBarAlignment.Right, 88);
    this.item.name = 'Tokenwise Heat Map';
    this.item.command = command;
  }

  show(text: string, tooltip: string | vscode.MarkdownString): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
  }

  hide(): void {
    this.item.hide();
  }

  /** While the model is loading or unavailable. */
  showEngine(state: EngineState): void {
    if (state.kind === 'loading') this.show('$(loading~spin) Heat map', 'Waiting for the model to load…');
    else if (state.kind === 'error') this.show('$(error) Heat map', `No heat map: the model is unavailable (${state.message}).`);
    else this.hide();
  }

  /** Bits per byte of the active editor's file or single selection. */
  update(engine: EngineState, scheduler: Scheduler, settings: HeatmapSettings): void {
    const editor = vscode.window.activeTextEditor;
    if (engine.kind !== 'ready') return this.showEngine(engine);
    if (!editor) return this.hide();
    const doc = editor.document;
    const snap = scheduler.snapshotFor(doc);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**Tokenwise entropy heat map** · ${engine.info.name} on ${engine.info.provider}\n\n`);
    md.appendMarkdown(legend(settings) + '\n\n');
    if (!scheduler.has(doc) || !snap) {
      this.show('$(loading~spin) Heat map', md.appendMarkdown('Scoring…'));
      return;
    }
    const selections = editor.selections.filter((s) => !s.isEmpty);
    const sel = selections.length === 1 ? { start: doc.offsetAt(selections[0]!.start), end: doc.offsetAt(selections[0]!.end) } : undefined;
    const bpb = scheduler.bitsPerByte(doc, sel);
    if (!bpb) return this.show('$(loading~spin) Heat map', md.appendMarkdown('Scoring…'));
    const busy = scheduler.busy || !bpb.complete;
    const value = bpb.scoredTokens > 0 ? `${bpb.complete ? '' : '≈'}${bpb.bitsPerByte.toFixed(2)} bits/byte` : '…';
    md.appendMarkdown(
      `${sel ? 'Selection' : 'File'}: **${bpb.scoredTokens > 0 ? bpb.bitsPerByte.toFixed(3) : '—'} bits per byte** under the model ` +
        `(${bpb.bits.toFixed(0)} bits over ${bpb.bytes} bytes, ${bpb.scoredTokens} of ${bpb.tokens} model tokens scored${bpb.complete ? '' : ' so far'}).\n\n`,
    );
    md.appendMarkdown('Click to turn the heat map off.');
    this.show(`${busy ? '$(loading~spin)' : '$(flame)'} ${sel ? 'sel ' : ''}${value}`, md);
  }

  dispose(): void {
    this.item.dispose();
  }
}
