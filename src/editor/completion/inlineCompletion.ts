/**
 * Inline (ghost text) completion: editor events → core completion pipeline
 * (context windows → FIM template → boundary mode → decoding → post-processing) → items.
 * Debounced by measured latency, cancelled on every keystroke, cached for typing along the
 * suggestion, and never shown for a document that changed meanwhile.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { EngineClient } from '../engine';
import { setting } from '../settings';
import { boundaryModes, type BoundaryMode } from '../../core/completion/fim';
import { complete, createCompletionStack, type CompletionStack } from '../../core/completion/stack';
import { AdaptiveDebounce, CompletionCache } from '../../core/completion/typing/cache';
import { postprocess } from '../../core/completion/postprocess/postprocess';
import { fimFamilies, type FimFamily, type FimOrder } from '../../core/completion/prompt/templates';
import { CancelledError, describeError } from '../../core/base/errors';

/** Characters of document text on each side of the cursor handed to the prompt windows. */
const maxContextChars = 24_000;

interface CompletionSettings {
  enabled: boolean;
  languages: string[];
  mode: BoundaryMode;
  order: FimOrder;
  family: FimFamily | 'auto';
  maxTokens: number;
  timeoutMs: number;
}

const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isMode = (v: unknown): v is BoundaryMode => typeof v === 'string' && (boundaryModes as readonly string[]).includes(v);
const isOrder = (v: unknown): v is FimOrder => v === 'psm' || v === 'spm';
const isFamily = (v: unknown): v is FimFamily | 'auto' => v === 'auto' || (typeof v === 'string' && (fimFamilies as readonly string[]).includes(v));
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

function readSettings(services: Services): CompletionSettings {
  const report = (m: string) => services.notifyErrorOnce(m);
  return {
    enabled: setting('completion.enabled', isBool, report),
    languages: setting('completion.languages', isStringList, report),
    mode: setting('completion.boundary', isMode, report),
    order: setting('completion.order', isOrder, report),
    family: setting('completion.family', isFamily, report),
    maxTokens: Math.floor(setting('completion.maxTokens', isPositive, report)),
    timeoutMs: setting('completion.timeoutMs', isPositive, report),
  };
}

/** Multi-line when the cursor starts a new line or block; single line when text sits right of it. */
export function wantsMultiline(linePrefix: string, lineSuffix: string): boolean {
  if (lineSuffix.trim() !== '') return false;
  return linePrefix.trim() === '' || /[:{([]\s*$/.test(linePrefix);
}

export function registerInlineCompletion(context: vscode.ExtensionContext, services: Services, engine: EngineClient): void {
  const status = vscode.window.createStatusBarItem('tokenwise.completion', vscode.StatusBarAlignment.Right, 89);
  status.name = 'Tokenwise Completion';
  status.command = 'tokenwise.showLog';
  const cache = new CompletionCache();
  const debounce = new AdaptiveDebounce();
  let stack: Promise<CompletionStack> | undefined;
  let stackFamily: string | undefined;
  let settings = readSettings(services);

  const stackFor = (family: FimFamily | 'auto'): Promise<CompletionStack> => {
    if (!stack || stackFamily !== family) {
      stackFamily = family;
      stack = engine.whenReady().then(() => createCompletionStack(engine, family));
      stack.then(
        (s) => services.log.info(`completion: ${s.template.family === 'none' ? 'left-to-right (no FIM sentinels)' : `FIM template ${s.template.family}`}, boundary mode ${settings.mode}`),
        () => (stack = undefined),
      );
    }
    return stack;
  };

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
      const prefix = text.slice(Math.max(0, offset - maxContextChars), offset);
      const suffix = text.slice(offset, offset + maxContextChars);
      const cached = cache.get(prefix, suffix);
      if (cached !== undefined) return [new vscode.InlineCompletionItem(cached, new vscode.Range(position, position))];

      if (ctx.triggerKind === vscode.InlineCompletionTriggerKind.Automatic) {
        await new Promise((resolve) => setTimeout(resolve, debounce.delayMs));
        if (token.isCancellationRequested) return [];
      }
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      const line = document.lineAt(position.line).text;
      const linePrefix = line.slice(0, position.character);
      const lineSuffix = line.slice(position.character);
      const multiline = wantsMultiline(linePrefix, lineSuffix);
      const t0 = performance.now();
      try {
        const s = await stackFor(settings.family);
        const result = await complete(s, {
          prefix,
          suffix,
          mode: settings.mode,
          order: settings.order,
          maxNewTokens: multiline ? settings.maxTokens : Math.min(settings.maxTokens, 48),
          timeBudgetMs: settings.timeoutMs,
          signal: controller.signal,
        });
        const latency = performance.now() - t0;
        debounce.record(latency);
        const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
        const indentUnit = editor && editor.options.insertSpaces === false ? '\t' : ' '.repeat(Number(editor?.options.tabSize ?? 4));
        const shown = postprocess(result.completion, {
          linePrefix,
          lineSuffix,
          textBelow: text.slice(document.offsetAt(document.lineAt(position.line).range.end) + 1, offset + maxContextChars),
          multiline,
          indentUnit,
          stopStrings: s.template.stopTokens,
        });
        const genMs = result.generationMs;
        const tps = result.tokens.length > 0 && genMs > 0 ? (result.tokens.length * 1000) / genMs : 0;
        showStatus(
          `$(sparkle) ${result.mode} ${result.promptMs.toFixed(0)}+${genMs.toFixed(0)} ms · ${tps.toFixed(0)} tok/s`,
          `Last completion (${s.info.name} on ${s.info.provider}, ${result.order.toUpperCase()}, boundary ${result.mode}): prompt ${result.promptMs.toFixed(0)} ms, generation ${genMs.toFixed(0)} ms, ${result.tokens.length} tokens (${tps.toFixed(1)} tokens/s)${result.finishReason === 'time' ? ', cut by the time limit' : ''}`,
        );
        // Never show a suggestion for text that changed while it was computed.
        if (token.isCancellationRequested || document.version !== version || shown === undefined) return [];
        cache.put(prefix, suffix, shown);
        return [new vscode.InlineCompletionItem(shown, new vscode.Range(position, position))];
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
    engine.onDidChangeState((state) => {
      if (state.kind !== 'ready') {
        stack = undefined;
        cache.clear();
      }
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('tokenwise.completion')) return;
      settings = readSettings(services);
      cache.clear();
    }),
  );
}
