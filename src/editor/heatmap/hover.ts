/**
 * The heat map's hover: the token's probability, rank, surprisal and entropy, and the model's
 * top alternatives. Token text is quoted and escaped, never interpreted as Markdown.
 */
import * as vscode from 'vscode';
import { natsToBits, surprisalBits, type ScoredText } from '../../core/entropy';

/** Token text for a hover: quoted, escapes for control characters, no Markdown breakage. */
function quoted(text: string): string {
  return '`' + JSON.stringify(text).replace(/`/g, 'ˋ') + '`';
}

const percent = (logprob: number) => {
  const p = Math.exp(logprob) * 100;
  return p >= 10 ? `${p.toFixed(1)}%` : p >= 0.01 ? `${p.toFixed(2)}%` : `${p.toExponential(1)}%`;
};

export interface HoverContext {
  /** The loaded model's name. */
  modelName: string;
  /** The token view's tokenizer when it shows tokens of another tokenizer (boundaries can differ). */
  otherTokenizer?: string | undefined;
}

export function heatHover(doc: vscode.TextDocument, position: vscode.Position, snap: ScoredText, context: HoverContext): vscode.Hover | undefined {
  const offset = doc.offsetAt(position);
  const i = snap.indexAt(offset);
  const t = snap.scores[i];
  if (!t || offset < t.start || offset >= t.end) return undefined;
  const md = new vscode.MarkdownString();
  md.supportHtml = false;
  md.appendMarkdown(`**Entropy heat map** · token ${quoted(snap.text.slice(t.start, t.end))} (id ${t.id}, ${context.modelName})  \n`);
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
  md.appendMarkdown(
    `\n\n_Heat map tokens are the model's (${context.modelName} tokenizer)${context.otherTokenizer ? `; the token view shows ${context.otherTokenizer} tokens, so boundaries can differ` : ''}._`,
  );
  return new vscode.Hover(md, new vscode.Range(doc.positionAt(t.start), doc.positionAt(t.end)));
}
