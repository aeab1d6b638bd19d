/**
 * Every Tokenwise command, declared once: id, title (package.json `contributes.commands` must
 * agree, a unit test checks it), and whether it needs a loaded model. The handlers are registered
 * by the surfaces through commands.ts; a declared command that no surface registered (its surface
 * failed to start) still answers, with a message saying why. Pure (no `vscode`).
 */

export const commandCategory = 'Tokenwise';

export interface CommandDeclaration {
  readonly id: `tokenwise.${string}`;
  readonly title: string;
  /**
   * Running it needs a usable model: while the model is unavailable the command shows why (the
   * engine's message) and how to fix it, instead of running. A surface can narrow this per call
   * (the heat map's toggle needs the model only to turn it on).
   */
  readonly needsModel?: boolean;
  /** What needs the model, in that message ("the entropy heat map"); default: the title in quotes. */
  readonly subject?: string;
}

export const commandTable = [
  { id: 'tokenwise.showLog', title: 'Show Log' },
  { id: 'tokenwise.toggleTokenBoundaries', title: 'Toggle Token Boundaries' },
  { id: 'tokenwise.selectTokenizer', title: 'Select Tokenizer…' },
  { id: 'tokenwise.toggleHeatmap', title: 'Toggle Entropy Heat Map', needsModel: true, subject: 'the entropy heat map' },
  { id: 'tokenwise.showMetrics', title: 'Show Compression Metrics' },
  { id: 'tokenwise.setApiKey', title: 'Set API Key…' },
  { id: 'tokenwise.findApi', title: 'Find API…' },
] as const satisfies readonly CommandDeclaration[];

export type CommandId = (typeof commandTable)[number]['id'];

export function commandDeclaration(id: CommandId): CommandDeclaration {
  return commandTable.find((c) => c.id === id)!;
}

/** Context keys Tokenwise sets (`setContext`), for `when` clauses in package.json. */
export const contextKeys = {
  /** True while a model is loaded and usable (engine state `ready`). */
  modelReady: 'tokenwise.modelReady',
  /** True while the entropy heat map is on. */
  heatmapEnabled: 'tokenwise.heatmapEnabled',
} as const;
