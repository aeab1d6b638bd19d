/**
 * Inline (ghost text) completion: editor events → one `complete` request to the worker, where the
 * core pipeline (context → prompt → boundary → decode → post-process) runs beside the model → items.
 * Debounced by measured latency, cancelled on every keystroke, cached for typing along the
 * suggestion, and never shown for a document that changed meanwhile.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { EngineClient } from '../engine';
import { onDidChangeSettings, readCompletionSettings, type CompletionSettings } from '../settings';
import type { StatementOptions } from '../../core/completion/unit';
import { AdaptiveDebounce, CompletionCache } from '../../core/completion/typing/cache';
import { CancelledError, describeError } from '../../core/base/errors';

/** Characters of document text on each side of the cursor handed to the prompt windows. */
const maxContextChars = 24_000;

/** Statement completion from the settings: the syntax decides the unit (or the line policy); beams give the alternatives. */
function statementOptions(settings: CompletionSettings, document: vscode.TextDocument): { statement?: StatementOptions } {
  if (settings.unit === 'line' && settings.beamWidth <= 1) return {};
  return { statement: { unit: settings.unit, beamWidth: settings.beamWidth, languageId: document.languageId, uri: document.uri.toString() } };
}

export function registerInlineCompletion(context: vscode.ExtensionContext, services: Services, engine: EngineClient): void {
  const status = vscode.window.createStatusBarItem('tokenwise.completion', vscode.StatusBarAlignment.Right, 89);
  status.name = 'Tokenwise Completion';
  status.command = 'tokenwise.showLog';
  const cache = new CompletionCache();
  const debounce = new AdaptiveDebounce();
  let settings = readCompletionSettings();
  let loggedDegrade: string | undefined;

  const showStatus = (text: string, tooltip: string) => {
    status.text = text;
    status.tooltip = tooltip;
    status.show();
  };

  const provider: vscode.InlineCompletionItemProvider = {
    async provideInlineCompletionItems(document, position, ctx, token) {
      if (!settings.enabled) return [];
      if (!settings.languages.includes('*') && !settings.languages.includes(document.languageId)) return [];
      if (engine.state.kind === 'error') return [];
      const version = document.version;
      const offset = document.offsetAt(position);
      const text = document.getText();
      // The suggest popup is open with an item selected: complete as if that item were accepted,
      // and offer an item that starts with it (VS Code shows the ghost text after the selection,
      // and the popup and the ghost text agree on what Tab inserts).
      const selected = ctx.selectedCompletionInfo;
      const selectedStart = selected && selected.range.end.isEqual(position) ? document.offsetAt(selected.range.start) : undefined;
      const before = selectedStart !== undefined ? text.slice(Math.max(0, selectedStart - maxContextChars), selectedStart) + selected!.text : text.slice(Math.max(0, offset - maxContextChars), offset);
      const prefix = before.slice(-maxContextChars);
      const suffix = text.slice(offset, offset + maxContextChars);
      const item = (completion: string, replace: number) => {
        const start = selectedStart !== undefined ? selected!.range.start : position;
        const end = document.positionAt(offset + replace);
        return new vscode.InlineCompletionItem((selectedStart !== undefined ? selected!.text : '') + completion, new vscode.Range(start, end));
      };
      // An explicit request (Alt+\, or cycling with Alt+] / Alt+[) recomputes, so the alternatives come too.
      const cached = ctx.triggerKind === vscode.InlineCompletionTriggerKind.Automatic ? cache.lookup(prefix, suffix) : undefined;
      if (cached !== undefined) return [item(cached.completion, cached.replace)];

      if (ctx.triggerKind === vscode.InlineCompletionTriggerKind.Automatic) {
        await new Promise((resolve) => setTimeout(resolve, debounce.delayMs));
        if (token.isCancellationRequested) return [];
      }
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      const t0 = performance.now();
      try {
        const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
        const indentUnit = editor && editor.options.insertSpaces === false ? '\t' : ' '.repeat(Number(editor?.options.tabSize ?? 4));
        const result = await engine.complete(
          { prefix, suffix, mode: settings.mode, order: settings.order, maxNewTokens: settings.maxTokens, indentUnit, timeBudgetMs: settings.timeoutMs, minConfidence: settings.minConfidence, languageId: document.languageId, documentUri: document.uri.toString(), ...statementOptions(settings, document), signal: controller.signal },
          settings.family,
        );
        debounce.record(performance.now() - t0);
        if (result.degraded && result.degraded !== loggedDegrade) {
          loggedDegrade = result.degraded;
          services.log.warn(`completion: ${result.degraded}`);
        }
        const info = engine.state.kind === 'ready' ? engine.state.info : undefined;
        const genMs = result.generationMs;
        const tps = result.tokens.length > 0 && genMs > 0 ? (result.tokens.length * 1000) / genMs : 0;
        showStatus(
          `$(sparkle) ${result.mode}${result.degraded ? ' (lowered)' : ''} ${result.promptMs.toFixed(0)}+${genMs.toFixed(0)} ms · ${tps.toFixed(0)} tok/s`,
          `Last completion (${info ? `${info.name} on ${info.provider}, ` : ''}${result.order.toUpperCase()}, boundary ${result.mode}): prompt ${result.promptMs.toFixed(0)} ms, generation ${genMs.toFixed(0)} ms, ${result.tokens.length} tokens (${tps.toFixed(1)} tokens/s)${result.finishReason === 'time' ? ', cut by the time limit' : ''}${result.degraded ? `\n${result.degraded}` : ''}`,
        );
        if (result.suppressed) services.log.debug(`completion withheld (${result.suppressed}${result.confidence ? `, confidence ${result.confidence.probability.toFixed(2)}` : ''}): ${JSON.stringify(result.candidate ?? '')}`);
        // Never show a suggestion for text that changed while it was computed.
        if (token.isCancellationRequested || document.version !== version || result.text === '') return [];
        cache.put(prefix, suffix, result.text, result.replace ?? 0);
        // The best candidate, then the next-ranked ones: VS Code cycles through them (Alt+] / Alt+[).
        return [item(result.text, result.replace ?? 0), ...(result.alternatives ?? []).map((alt, i) => item(alt, result.alternativeReplace?.[i] ?? 0))];
      } catch (error) {
        if (error instanceof CancelledError || controller.signal.aborted) return [];
        services.notifyErrorOnce(`Completion failed: ${describeError(error)}`);
        return [];
      } finally {
        subscription.dispose();
      }
    },
  };

  context.subscriptions.push(
    status,
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, provider),
    // Suggestions belong to the loaded model: forget them when it goes.
    services.onEngineReset(() => cache.clear()),
    onDidChangeSettings('completion', () => {
      settings = readCompletionSettings();
      cache.clear();
    }),
  );
}
