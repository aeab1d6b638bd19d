/**
 * The token view: token boundaries as alternating backgrounds (visible ranges only), whitespace
 * glyphs, split-character marks, a hover per token, the token count in the status bar and the
 * tokenizer quick pick. Core tokenization lives in src/core/tokenize; this is the VS Code edge.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { modelTokenizerDescription, modelTokenizerSpec, type ModelTokenizerSettings } from './modelTokenizer';
import { onDidChangeSettings, readSetting, readTokensSettings, updateSettingInEffect, updateUserSetting, type TokenizerChoice } from '../settings';
import { describeError } from '../../core/base/errors';
import { describeToken, parseTokenizerSpec, TokenFlag, tiktokenEncodingNames, type TokenizerSpec } from '../../core/tokenize';
import { createTokenizerClient } from '../../worker/tokenizerClient';
import { TokenModel } from './model';
import { findShippedModel } from '../../core/model/modelDir';

const colourCount = 6;
const editDebounceMs = 60;
const scrollDebounceMs = 30;

/** The token view's own memento key (global state): on or off across sessions. */
const enabledKey = 'tokenwise.tokenView.enabled';

/** What other surfaces may know about the token view (the heat map's hover mentions it). */
export interface TokenViewStatus {
  readonly enabled: boolean;
}

function modelTokenizerSettings(): ModelTokenizerSettings {
  return { backend: readSetting('backend'), modelPath: readSetting('modelPath'), remoteModel: readSetting('remote.model'), remoteTokenizerPath: readSetting('remote.tokenizerPath'), shippedModel: findShippedModel() };
}

/** The tokenizer the settings ask for; throws a one-line error when it cannot be resolved. */
function resolveSpec(): TokenizerSpec {
  const { tokenizer: choice, customTokenizerPath } = readTokensSettings();
  if (choice === 'custom') {
    if (!customTokenizerPath) throw new Error('tokenwise.tokenizer is "custom" but tokenwise.customTokenizerPath is empty.');
    return parseTokenizerSpec(customTokenizerPath);
  }
  if (choice === 'model') return modelTokenizerSpec(modelTokenizerSettings());
  return parseTokenizerSpec(choice);
}

class TokenView implements vscode.Disposable {
  private enabled = false;
  private readonly model: TokenModel;
  private readonly backgrounds: vscode.TextEditorDecorationType[] = [];
  private readonly split: vscode.TextEditorDecorationType;
  private readonly space: vscode.TextEditorDecorationType;
  private readonly tab: vscode.TextEditorDecorationType;
  private readonly newline: vscode.TextEditorDecorationType;
  private readonly status: vscode.StatusBarItem;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly refused = new Set<string>();
  private loadError: string | undefined;
  private loads = 0;

  constructor(
    private readonly services: Services,
    private readonly state: vscode.Memento,
  ) {
    // Tokenization runs in the tokenizer thread (dist/tokenizer.js), never on this thread.
    const client = createTokenizerClient({ log: (level, message) => services.log[level](message) });
    this.model = new TokenModel(client, {
      maxFileSize: () => readSetting('tokens.maxFileSize'),
      onUpdate: (uri) => this.onTokens(uri),
      onError: (uri, message) => this.services.notifyErrorOnce(`Tokenizing ${vscode.Uri.parse(uri).toString(true)} failed: ${message}`),
    });
    for (let i = 1; i <= colourCount; i++)
      this.backgrounds.push(vscode.window.createTextEditorDecorationType({ backgroundColor: new vscode.ThemeColor(`tokenwise.token.background${i}`) }));
    this.split = vscode.window.createTextEditorDecorationType({
      borderWidth: '0 0 2px 0',
      borderStyle: 'dotted',
      borderColor: new vscode.ThemeColor('tokenwise.token.splitBorder'),
    });
    const glyph = (contentText: string): vscode.DecorationRenderOptions => ({
      before: { contentText, color: new vscode.ThemeColor('tokenwise.token.whitespaceForeground'), width: '0' },
    });
    this.space = vscode.window.createTextEditorDecorationType(glyph('·'));
    this.tab = vscode.window.createTextEditorDecorationType(glyph('→'));
    this.newline = vscode.window.createTextEditorDecorationType({
      after: { contentText: '↵', color: new vscode.ThemeColor('tokenwise.token.whitespaceForeground') },
    });
    this.status = vscode.window.createStatusBarItem('tokenwise.tokens', vscode.StatusBarAlignment.Right, 100);
    this.status.name = 'Tokenwise Tokens';
    this.status.command = 'tokenwise.selectTokenizer';
    this.enabled = state.get<boolean>(enabledKey, false);
  }

  get isEnabled(): boolean {
    return this.enabled;
  }

  /** Loads the configured tokenizer in the tokenizer thread (startup is not blocked). */
  async reloadTokenizer(): Promise<void> {
    const generation = ++this.loads;
    let name: string | undefined;
    this.loadError = undefined;
    this.model.setTokenizer(undefined);
    try {
      const spec = resolveSpec();
      const t0 = Date.now();
      const info = await this.model.client.load(spec);
      if (generation !== this.loads) return;
      name = info?.name;
      this.services.log.info(`Token view: tokenizer ${name} ready (${Date.now() - t0} ms).`);
    } catch (error) {
      if (generation !== this.loads) return;
      this.loadError = describeError(error);
      this.services.notifyErrorOnce(`Cannot load the tokenizer: ${this.loadError}`);
    }
    this.model.setTokenizer(name);
    this.refreshAll();
  }

  /** Fresh spans of a document arrived from the tokenizer thread. */
  private onTokens(uri: string): void {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.uri.toString() === uri) this.decorate(editor);
    if (vscode.window.activeTextEditor?.document.uri.toString() === uri) this.updateStatus();
  }

  async toggle(): Promise<void> {
    this.enabled = !this.enabled;
    await this.state.update(enabledKey, this.enabled);
    this.services.log.info(`Token view ${this.enabled ? 'on' : 'off'}.`);
    this.refreshAll();
  }

  private tokensFor(editor: vscode.TextEditor) {
    const doc = editor.document;
    // Output channels and other panels are not documents the user edits.
    if (doc.uri.scheme === 'output' || doc.uri.scheme === 'debug') return undefined;
    if (this.model.isBinary(doc)) {
      const key = doc.uri.toString();
      if (!this.refused.has(key)) {
        this.refused.add(key);
        void vscode.window.showInformationMessage(`Tokenwise: ${doc.uri.path.split('/').pop() || 'This document'} looks like a binary file; the token view works on text.`);
      }
      return undefined;
    }
    const ranges = editor.visibleRanges;
    const visible = ranges.length
      ? { start: doc.offsetAt(ranges[0]!.start), end: doc.offsetAt(ranges[ranges.length - 1]!.end) }
      : undefined;
    try {
      return this.model.get(doc, visible);
    } catch (error) {
      this.services.notifyErrorOnce(`Tokenizing ${doc.uri.toString(true)} failed: ${describeError(error)}`);
      return undefined;
    }
  }

  refreshAll(): void {
    for (const editor of vscode.window.visibleTextEditors) this.decorate(editor);
    this.updateStatus();
  }

  schedule(editor: vscode.TextEditor, delay: number): void {
    const key = editor.document.uri.toString();
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.decorate(editor);
        if (editor === vscode.window.activeTextEditor) this.updateStatus();
      }, delay),
    );
  }

  clear(editor: vscode.TextEditor): void {
    for (const d of [...this.backgrounds, this.split, this.space, this.tab, this.newline]) editor.setDecorations(d, []);
  }

  /** Decorates the visible ranges of one editor. */
  decorate(editor: vscode.TextEditor): void {
    if (!this.enabled) {
      this.clear(editor);
      return;
    }
    const tokens = this.tokensFor(editor);
    if (!tokens) {
      // While the tokenizer thread works, the decorations shown stay (VS Code moves them with edits).
      if (!this.model.isPending(editor.document)) this.clear(editor);
      return;
    }
    const doc = editor.document;
    const spans = tokens.spans;
    const showWhitespace = readSetting('tokens.showWhitespace');
    const buckets: vscode.Range[][] = Array.from({ length: colourCount }, () => []);
    const split: vscode.Range[] = [];
    const spaces: vscode.Range[] = [];
    const tabs: vscode.Range[] = [];
    const newlines: vscode.Range[] = [];
    for (const visible of editor.visibleRanges) {
      const a = Math.max(spans.rangeStart, doc.offsetAt(visible.start));
      const b = Math.min(spans.rangeEnd, doc.offsetAt(doc.lineAt(visible.end.line).rangeIncludingLineBreak.end));
      const [first, last] = spans.indexRange(a, b);
      // Text of the decorated tokens only (not the whole document) for the whitespace glyphs.
      const textStart = first < spans.count ? spans.starts[first]! : a;
      const text = showWhitespace ? doc.getText(new vscode.Range(doc.positionAt(textStart), doc.positionAt(spans.starts[last]!))) : '';
      for (let i = first; i < last; i++) {
        const s = spans.starts[i]!;
        const e = spans.starts[i + 1]!;
        const f = spans.flags[i]!;
        if (e > s) {
          const range = new vscode.Range(doc.positionAt(s), doc.positionAt(e));
          buckets[i % colourCount]!.push(range);
          if (f & (TokenFlag.splitStart | TokenFlag.splitEnd)) split.push(range);
        }
        if (showWhitespace) {
          for (let k = s; k < e; k++) {
            const c = text.charCodeAt(k - textStart);
            if (c === 0x20) spaces.push(new vscode.Range(doc.positionAt(k), doc.positionAt(k + 1)));
            else if (c === 0x09) tabs.push(new vscode.Range(doc.positionAt(k), doc.positionAt(k + 1)));
            else if (c === 0x0a) {
              const p = doc.positionAt(k);
              newlines.push(new vscode.Range(p, p));
            }
          }
        }
      }
    }
    this.backgrounds.forEach((d, i) => editor.setDecorations(d, buckets[i]!));
    editor.setDecorations(this.split, split);
    editor.setDecorations(this.space, spaces);
    editor.setDecorations(this.tab, tabs);
    editor.setDecorations(this.newline, newlines);
  }

  updateStatus(): void {
    const editor = vscode.window.activeTextEditor;
    const tokName = this.model.current;
    if (!editor) {
      this.status.hide();
      return;
    }
    if (this.loadError || !tokName) {
      this.status.text = '$(symbol-numeric) Tokens: —';
      this.status.tooltip = this.loadError ? `Tokenizer error: ${this.loadError}\nClick to choose a tokenizer.` : 'Loading the tokenizer…';
      this.status.show();
      return;
    }
    if (this.model.isBinary(editor.document)) {
      this.status.text = `$(symbol-numeric) Tokens: binary · ${tokName}`;
      this.status.tooltip = 'This document looks binary; it is not tokenized.';
      this.status.show();
      return;
    }
    const tokens = this.tokensFor(editor);
    if (!tokens) {
      // The count follows when the tokenizer thread answers (onTokens).
      if (!this.model.isPending(editor.document)) this.status.hide();
      return;
    }
    const doc = editor.document;
    const spans = tokens.spans;
    let selected = 0;
    let anySelection = false;
    for (const sel of editor.selections) {
      if (sel.isEmpty) continue;
      anySelection = true;
      selected += spans.countInRange(doc.offsetAt(sel.start), doc.offsetAt(sel.end));
    }
    const count = tokens.partial ? `${spans.count} near view (large file)` : String(spans.count);
    this.status.text = `$(symbol-numeric) Tokens: ${count}${anySelection ? ` (sel ${selected})` : ''} · ${tokName}`;
    this.status.tooltip = tokens.partial
      ? `Large file: only the visible range plus margins is tokenized (${spans.count} tokens in ${spans.rangeStart}..${spans.rangeEnd}).\nClick to choose a tokenizer.`
      : `${spans.count} tokens, ${spans.byteStarts[spans.count]} bytes (${tokName}).\nClick to choose a tokenizer.`;
    this.status.show();
  }

  async hover(doc: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!this.enabled) return undefined;
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === doc);
    if (!editor || this.model.isBinary(doc)) return undefined;
    const ranges = editor.visibleRanges;
    const visible = ranges.length ? { start: doc.offsetAt(ranges[0]!.start), end: doc.offsetAt(ranges[ranges.length - 1]!.end) } : undefined;
    const tokens = await this.model.ensure(doc, visible);
    const tokName = this.model.current;
    if (!tokens || !tokName) return undefined;
    const spans = tokens.spans;
    const offset = doc.offsetAt(position);
    if (offset < spans.rangeStart || offset >= spans.rangeEnd) return undefined;
    let i = spans.indexAt(offset);
    if (i >= spans.count) return undefined;
    // Tokens with an empty span (the rest of a split character) right after it belong here too.
    let last = i + 1;
    while (last < spans.count && spans.starts[last] === spans.starts[last + 1]) last++;
    const md = new vscode.MarkdownString();
    md.supportHtml = false;
    const first = i;
    const allBytes = await this.model.client.tokenBytes(Array.from(spans.ids.subarray(first, last)));
    for (; i < last; i++) {
      const id = spans.ids[i]!;
      const bytes = allBytes[i - first]!;
      const d = describeToken(bytes);
      const f = spans.flags[i]!;
      const hex = d.hex.match(/../g)?.join(' ') ?? '';
      // Quoted so leading/trailing spaces stay visible.
      md.appendMarkdown(`**Token** \`"${d.text.replace(/`/g, 'ˋ')}"\`  \n`);
      md.appendMarkdown(`id **${id}** · ${bytes.length} byte${bytes.length === 1 ? '' : 's'}: \`${hex}\`  \n`);
      md.appendMarkdown(`index ${tokens.partial ? `~${i}` : i} of ${tokens.partial ? '~' : ''}${spans.count} · ${tokName}  \n`);
      if (f & (TokenFlag.splitStart | TokenFlag.splitEnd)) md.appendMarkdown('_splits a character: partial UTF-8_  \n');
      if (f & TokenFlag.normalized) md.appendMarkdown("_normalized: covers text the tokenizer's normalizer changed (e.g. NFC); its bytes are those of the normalized text, not the document's_  \n");
      if (i + 1 < last) md.appendMarkdown('\n---\n');
    }
    const s = spans.starts[spans.indexAt(offset)]!;
    const e = spans.starts[last]!;
    return new vscode.Hover(md, new vscode.Range(doc.positionAt(s), doc.positionAt(Math.max(s, e))));
  }

  async selectTokenizer(): Promise<void> {
    const current = readSetting('tokenizer');
    type Item = vscode.QuickPickItem & { value: TokenizerChoice };
    const items: Item[] = tiktokenEncodingNames
      .filter((n) => n !== 'gpt2' && n !== 'p50k_edit')
      .map((n) => ({ label: n, value: n as TokenizerChoice, description: n === 'o200k_base' ? 'OpenAI (GPT-4o and later)' : n === 'cl100k_base' ? 'OpenAI (GPT-4, GPT-3.5)' : 'OpenAI' }));
    items.push({ label: 'model', value: 'model', description: modelTokenizerDescription(modelTokenizerSettings()) });
    const custom = readSetting('customTokenizerPath');
    items.push({ label: 'Custom tokenizer.json…', value: 'custom', description: custom || 'choose a file' });
    for (const item of items) if (item.value === current) item.detail = 'current';
    const pick = await vscode.window.showQuickPick(items, { title: 'Tokenwise: Select Tokenizer', placeHolder: `Current: ${current}` });
    if (!pick) return;
    if (pick.value === 'custom') {
      const files = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'tokenizer.json': ['json'] }, title: 'Choose a Hugging Face tokenizer.json' });
      if (!files || files.length === 0) return;
      await updateUserSetting('customTokenizerPath', files[0]!.fsPath);
    }
    // Written where it takes effect: a workspace (folder) value would override a user one.
    const resource = vscode.window.activeTextEditor?.document.uri;
    const target = await updateSettingInEffect('tokenizer', pick.value, resource);
    const effective = readSetting('tokenizer', resource);
    const where = target === 'user' ? 'your user settings' : target === 'workspace' ? 'the workspace settings' : 'the workspace folder settings';
    if (effective !== pick.value) {
      void vscode.window.showWarningMessage(`Tokenwise: tokenwise.tokenizer was set to ${pick.value} in ${where}, but ${effective} from another scope takes effect.`);
    } else {
      this.services.log.info(`Token view: tokenizer ${pick.value} (written to ${where}).`);
      if (target !== 'user') void vscode.window.showInformationMessage(`Tokenwise: tokenizer ${pick.value}, saved in ${where} (they set tokenwise.tokenizer for this workspace).`);
    }
  }

  onEdit(event: vscode.TextDocumentChangeEvent): void {
    try {
      this.model.applyEdit(event);
    } catch (error) {
      this.services.log.warn(`Incremental tokenization failed (${describeError(error)}); re-tokenizing.`);
      this.model.forget(event.document.uri.toString());
    }
    for (const editor of vscode.window.visibleTextEditors) if (editor.document === event.document) this.schedule(editor, editDebounceMs);
  }

  forget(doc: vscode.TextDocument): void {
    this.model.forget(doc.uri.toString());
    this.refused.delete(doc.uri.toString());
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    for (const d of [...this.backgrounds, this.split, this.space, this.tab, this.newline]) d.dispose();
    this.status.dispose();
    this.model.client.dispose();
  }
}

/** Registers the token view (decorations, hover, status bar, commands). */
export function registerTokenView(context: vscode.ExtensionContext, services: Services): TokenViewStatus {
  const view = new TokenView(services, context.globalState);
  context.subscriptions.push(
    view,
    services.commands.register([
      { id: 'tokenwise.toggleTokenBoundaries', run: () => view.toggle() },
      { id: 'tokenwise.selectTokenizer', run: () => view.selectTokenizer() },
    ]),
    vscode.languages.registerHoverProvider('*', { provideHover: (doc, pos) => view.hover(doc, pos) }),
    vscode.window.onDidChangeTextEditorVisibleRanges((e) => view.isEnabled && view.schedule(e.textEditor, scrollDebounceMs)),
    vscode.window.onDidChangeVisibleTextEditors(() => view.refreshAll()),
    vscode.window.onDidChangeActiveTextEditor(() => view.updateStatus()),
    vscode.window.onDidChangeTextEditorSelection((e) => e.textEditor === vscode.window.activeTextEditor && view.updateStatus()),
    vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && view.onEdit(e)),
    vscode.workspace.onDidCloseTextDocument((doc) => view.forget(doc)),
    onDidChangeSettings(['tokens', 'engine'], (change) => {
      if (change.affects('tokenizer') || change.affects('customTokenizerPath') || change.affects('modelPath') || change.affects('backend') || change.affects('remote.tokenizerPath') || change.affects('remote.model')) void view.reloadTokenizer();
      else if (change.affects('tokens.showWhitespace') || change.affects('tokens.maxFileSize')) view.refreshAll();
    }),
  );
  // Load the tokenizer after activation returns (o200k takes about a second to prepare).
  const timer = setTimeout(() => void view.reloadTokenizer(), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  return {
    get enabled() {
      return view.isEnabled;
    },
  };
}
