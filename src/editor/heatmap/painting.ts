/**
 * Heat map painting: one decoration type per heat level, style and metric kind, created once and
 * reapplied; only the tokens of an editor's visible ranges (plus two lines) are decorated.
 */
import * as vscode from 'vscode';
import type { HeatmapSettings } from '../settings';
import { assertNever } from '../../core/base/errors';
import { heatLevel, heatStyles, levelCount, rankBuckets, scaleLevels, type HeatStyle, type ScoredText } from '../../core/entropy';

/** Colour ids (package.json contributes.colors): the intensity scale, then the GLTR rank buckets. */
const scaleColour = (level: number) => `tokenwise.heatmap.level${level + 1}`;
const rankColour = (bucket: number) => `tokenwise.heatmap.rank${bucket + 1}`;

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

export class HeatPainter implements vscode.Disposable {
  /** [style] → decoration types of the scale levels / of the rank buckets. */
  private readonly scaleTypes = new Map<HeatStyle, vscode.TextEditorDecorationType[]>();
  private readonly rankTypes = new Map<HeatStyle, vscode.TextEditorDecorationType[]>();

  constructor() {
    for (const style of heatStyles) {
      this.scaleTypes.set(style, Array.from({ length: scaleLevels }, (_, i) => vscode.window.createTextEditorDecorationType(decorationOptions(scaleColour(i), style))));
      this.rankTypes.set(style, Array.from({ length: rankBuckets }, (_, i) => vscode.window.createTextEditorDecorationType(decorationOptions(rankColour(i), style))));
    }
  }

  private allTypes(): vscode.TextEditorDecorationType[] {
    return [...this.scaleTypes.values(), ...this.rankTypes.values()].flat();
  }

  clear(editor: vscode.TextEditor): void {
    for (const d of this.allTypes()) editor.setDecorations(d, []);
  }

  /**
   * Colours the scored tokens in the editor's visible ranges. Without a snapshot of the text on
   * screen nothing changes: the shifted decorations of the previous text stay until the rescore lands.
   */
  paint(editor: vscode.TextEditor, snap: ScoredText | undefined, settings: HeatmapSettings): void {
    if (!snap) return;
    const doc = editor.document;
    const { metric, thresholds, style } = settings;
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

  dispose(): void {
    for (const d of this.allTypes()) d.dispose();
  }
}
