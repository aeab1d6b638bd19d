/**
 * Ranked identifier completion: a CompletionItemProvider that asks the worker for the model's
 * next identifiers at CodeFill's cardinal points (after `.`, `(`, `,`, `return`, an operator…)
 * and while a name is typed — declared members / locals / file names and imports re-ranked with
 * the scope weights (core/completion/identifiers). At most 10 items, merged with VS Code's other
 * providers through `sortText`, each with its kind and why it ranks; the worker answers within its
 * 150 ms budget with what is ready.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { EngineClient } from '../engine';
import { onDidChangeSettings, readCompletionSettings } from '../settings';
import { CancelledError, describeError } from '../../core/base/errors';
import { cardinalPoint, type IdentifierItem } from '../../core/completion/identifiers';

/** Characters of document text on each side of the cursor sent with the request. */
const maxContextChars = 24_000;
/** Budget of one list in the worker (what is ready then is shown). */
export const identifierBudgetMs = 150;

const kinds: Record<IdentifierItem['kind'], vscode.CompletionItemKind> = {
  variable: vscode.CompletionItemKind.Variable,
  function: vscode.CompletionItemKind.Function,
  method: vscode.CompletionItemKind.Method,
  class: vscode.CompletionItemKind.Class,
  module: vscode.CompletionItemKind.Module,
  attribute: vscode.CompletionItemKind.Field,
  keyword: vscode.CompletionItemKind.Keyword,
  unknown: vscode.CompletionItemKind.Text,
};

const why: Record<IdentifierItem['source'], string> = {
  function: 'declared here',
  class: 'in class',
  file: 'in file',
  import: 'imported',
  builtin: 'builtin',
  document: 'in file',
  model: 'model',
};

/** The completion items for a ranked list (rank order kept by `sortText`). */
export function identifierItems(items: readonly IdentifierItem[], range: vscode.Range): vscode.CompletionItem[] {
  return items.map((item, i) => {
    const c = new vscode.CompletionItem({ label: item.name, description: `Tokenwise · ${why[item.source]}` }, kinds[item.kind]);
    // Ahead of word-based suggestions with the same match score, in rank order; after the project
    // API's resolved members (`!0…`, editor/apiCompletion), which are known to exist on the receiver.
    c.sortText = `!1${String(i).padStart(2, '0')}`;
    c.range = range;
    c.preselect = i === 0;
    c.detail = item.detail ?? `${item.kind === 'unknown' ? 'name' : item.kind} · ${why[item.source]}`;
    c.documentation = new vscode.MarkdownString(
      `Ranked by Tokenwise: log-probability ${item.logprob !== undefined ? item.logprob.toFixed(2) : '(not scored in time)'}` + (item.weight !== 1 ? `, scope weight ×${item.weight}` : ''),
    );
    return c;
  });
}

export function registerIdentifierCompletion(context: vscode.ExtensionContext, services: Services, engine: EngineClient): void {
  let settings = readCompletionSettings();
  const provider: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position, token) {
      if (!settings.identifiers || engine.state.kind !== 'ready') return [];
      if (!settings.languages.includes('*') && !settings.languages.includes(document.languageId)) return [];
      const linePrefix = document.lineAt(position.line).text.slice(0, position.character);
      const point = cardinalPoint(linePrefix);
      const typed = /[A-Za-z_$][\w$]*$/.exec(linePrefix)?.[0] ?? '';
      if (!point && !typed) return [];
      const offset = document.offsetAt(position);
      const text = document.getText();
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      try {
        const result = await engine.completeIdentifiers(
          {
            prefix: text.slice(Math.max(0, offset - maxContextChars), offset),
            suffix: text.slice(offset, offset + maxContextChars),
            languageId: document.languageId,
            uri: document.uri.toString(),
            timeBudgetMs: identifierBudgetMs,
            signal: controller.signal,
          },
          settings.family,
        );
        if (token.isCancellationRequested) return [];
        const start = position.translate(0, -result.typed.length);
        return new vscode.CompletionList(identifierItems(result.items, new vscode.Range(start, position)), result.partial);
      } catch (error) {
        if (error instanceof CancelledError || controller.signal.aborted) return [];
        services.log.warn(`identifier completion: ${describeError(error)}`);
        return [];
      } finally {
        subscription.dispose();
      }
    },
  };
  context.subscriptions.push(
    vscode.languages.registerCompletionItemProvider({ pattern: '**' }, provider, '.', '(', ',', '[', '{', ' ', '='),
    onDidChangeSettings('completion', () => (settings = readCompletionSettings())),
  );
}
