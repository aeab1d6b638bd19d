/**
 * Repository API completion in the editor. The index lives in the inference worker (api.* protocol
 * methods); this surface opens it for the first workspace folder (persisted in the extension's
 * workspace storage; a progress notification with Cancel for the first build), keeps it current
 * through file watchers (change / create / delete, debounced), and offers:
 * - a CompletionItemProvider at `recv.` / `Module.`: the receiver's members ranked, each with its
 *   signature and doc, sorted before the word-based suggestions;
 * - "Tokenwise: Find API…": a quick pick over the BM25 search; Enter inserts a call skeleton
 *   with the parameters as snippet tabstops, the button jumps to the definition. With an
 *   instruction-tuned server model, a first item "✨ Call for this context: …" — a call the model
 *   wrote for the cursor, grounded in the retrieved signatures (api.answer, in the worker);
 *   a rejected answer or a failed request is one line in the quick pick's title.
 * The index needs no model: it works while the model is unavailable.
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { EngineClient } from '../engine';
import { onDidChangeSettings, readSetting } from '../settings';
import { describeError } from '../../core/base/errors';
import type { ApiMember, ApiMembersResult } from '../../core/protocol/api';

/** Typing pause before the model is asked for a call (each request costs the server a generation). */
const answerDelayMs = 600;
/** Why call answers are off, as last logged (said once per reason, not per keystroke). */
let unavailableLogged = '';

const languages = ['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'];
// `.json`: tsconfig.json / jsconfig.json and the configs they extend (the worker ignores other JSON).
const watchGlob = '**/*.{py,pyi,ts,tsx,mts,cts,js,jsx,mjs,cjs,json}';

const kindOf: Record<string, vscode.CompletionItemKind> = {
  method: vscode.CompletionItemKind.Method,
  function: vscode.CompletionItemKind.Function,
  class: vscode.CompletionItemKind.Class,
  interface: vscode.CompletionItemKind.Interface,
  attribute: vscode.CompletionItemKind.Field,
  variable: vscode.CompletionItemKind.Variable,
  constant: vscode.CompletionItemKind.Constant,
  module: vscode.CompletionItemKind.Module,
  enum: vscode.CompletionItemKind.Enum,
  type: vscode.CompletionItemKind.TypeParameter,
};

function documentation(m: ApiMember): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  if (m.signature) md.appendCodeblock(m.signature, m.uri.endsWith('.py') ? 'python' : 'typescript');
  if (m.doc) md.appendText(m.doc);
  md.appendMarkdown(`\n\n*${vscode.workspace.asRelativePath(vscode.Uri.parse(m.uri))}:${m.line + 1}*`);
  return md;
}

/** A call skeleton: `name(${1:a}, ${2:b})` without `self` / `*` / `**` markers and defaults. */
export function callSnippet(m: Pick<ApiMember, 'label' | 'kind' | 'params'>): vscode.SnippetString {
  const s = new vscode.SnippetString(m.label);
  if (m.kind !== 'method' && m.kind !== 'function' && m.kind !== 'class') return s;
  s.appendText('(');
  const params = m.params.map((p) => p.replace(/[:=].*$/s, '').replace(/^\s*(?:\.\.\.|\*{1,2})?/, '').replace(/\?$/, '').trim()).filter((p) => p && p !== '/' && p !== '*' && !/^(self|cls|this)$/.test(p));
  params.forEach((p, i) => {
    if (i) s.appendText(', ');
    s.appendPlaceholder(p);
  });
  s.appendText(')');
  return s;
}

export function registerApiCompletion(context: vscode.ExtensionContext, services: Services, engine: EngineClient): vscode.Disposable {
  const disposables: vscode.Disposable[] = [];
  let opened: Promise<boolean> | undefined;
  let tokenSource: vscode.CancellationTokenSource | undefined;

  const folder = () => vscode.workspace.workspaceFolders?.[0];
  const open = (): Promise<boolean> => {
    const root = folder();
    if (!root || !readSetting('api.enabled')) return Promise.resolve(false);
    tokenSource?.cancel();
    const source = new vscode.CancellationTokenSource();
    tokenSource = source;
    const storage = context.storageUri ?? context.globalStorageUri;
    const exclude = Object.entries(vscode.workspace.getConfiguration('files', root.uri).get<Record<string, boolean>>('exclude') ?? {})
      .filter(([, on]) => on)
      .map(([glob]) => glob);
    const controller = new AbortController();
    source.token.onCancellationRequested(() => controller.abort());
    const request = engine.request(
      'api.open',
      {
        root: root.uri.toString(),
        ...(storage.scheme === 'file' ? { storagePath: vscode.Uri.joinPath(storage, 'api-index.json.gz').fsPath } : {}),
        exclude,
        maxFiles: readSetting('api.maxFiles'),
        contextTokens: readSetting('api.contextTokens'),
        modelRanking: readSetting('api.modelRanking'),
      },
      { signal: controller.signal, priority: 'background' },
    );
    // Progress for a first build that takes a while (a stored index opens in a moment).
    const shown = new Promise<void>((resolve) => setTimeout(resolve, 1500));
    void shown.then(async () => {
      const status = await engine.request('api.status', {}).catch(() => undefined);
      if (!status || status.state !== 'indexing') return;
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Tokenwise: indexing project APIs', cancellable: true }, async (progress, token) => {
        token.onCancellationRequested(() => source.cancel());
        let last = 0;
        for (;;) {
          const done = await Promise.race([request.then(() => true, () => true), new Promise<false>((r) => setTimeout(() => r(false), 400))]);
          if (done) return;
          const s = await engine.request('api.status', {}).catch(() => undefined);
          if (!s || s.state !== 'indexing') return;
          if (s.total) {
            const pct = (100 * s.done) / s.total;
            progress.report({ message: `${s.done} / ${s.total} files`, increment: pct - last });
            last = pct;
          }
        }
      });
    });
    return request.then(
      (r) => {
        services.log.info(`API index ready: ${r.files} files, ${r.symbols} symbols (${r.fromStorage ? `from storage, ${r.parsed} re-read` : `built${r.rebuiltBecause ? `; stored index not used: ${r.rebuiltBecause}` : ''}`}, ${Math.round(r.ms)} ms)`);
        return true;
      },
      (error: unknown) => {
        const message = describeError(error);
        if (/cancel/i.test(message)) {
          services.log.info('API index: cancelled (opened again on the next use)');
          opened = undefined;
        }
        else services.log.error(`API index failed: ${message}`);
        return false;
      },
    );
  };
  const ensureOpen = () => (opened ??= open());

  // Watchers: changes are batched (300 ms) and sent to the worker, which re-reads file: URIs itself.
  const changed = new Set<string>();
  const deleted = new Set<string>();
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  const flush = async () => {
    flushTimer = undefined;
    if (!(await ensureOpen())) return;
    const files = [...changed];
    const gone = [...deleted];
    changed.clear();
    deleted.clear();
    try {
      if (gone.length) await engine.request('api.remove', { uris: gone });
      if (files.length) {
        const virtual = !files[0]!.startsWith('file:');
        const withText = virtual ? await Promise.all(files.map(async (uri) => ({ uri, text: new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.parse(uri))) }))) : files.map((uri) => ({ uri }));
        await engine.request('api.update', { files: withText });
      }
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = setTimeout(() => void engine.request('api.save', {}).catch(() => undefined), 5000);
    } catch (error) {
      services.log.warn(`API index update failed: ${describeError(error)}`);
    }
  };
  const schedule = () => {
    if (!flushTimer) flushTimer = setTimeout(() => void flush(), 300);
  };
  const watcher = vscode.workspace.createFileSystemWatcher(watchGlob);
  const folderWatcher = vscode.workspace.createFileSystemWatcher('**/');
  disposables.push(
    watcher,
    folderWatcher,
    watcher.onDidChange((uri) => (changed.add(uri.toString()), schedule())),
    watcher.onDidCreate((uri) => (changed.add(uri.toString()), deleted.delete(uri.toString()), schedule())),
    watcher.onDidDelete((uri) => (deleted.add(uri.toString()), changed.delete(uri.toString()), schedule())),
    folderWatcher.onDidDelete((uri) => (deleted.add(uri.toString()), schedule())),
  );

  const provider: vscode.CompletionItemProvider = {
    async provideCompletionItems(document, position, token) {
      if (!readSetting('api.enabled') || !(await ensureOpen()) || token.isCancellationRequested) return undefined;
      const controller = new AbortController();
      const sub = token.onCancellationRequested(() => controller.abort());
      let result: ApiMembersResult | undefined;
      try {
        result = await engine.request('api.members', { uri: document.uri.toString(), text: document.getText(), offset: document.offsetAt(position), languageId: document.languageId, version: document.version, limit: 100 }, { signal: controller.signal, priority: 'interactive' });
      } catch (error) {
        if (!controller.signal.aborted) services.log.warn(`API completion: ${describeError(error)}`);
        return undefined;
      } finally {
        sub.dispose();
      }
      if (!result?.items.length) return undefined;
      // A class of this very file: the statement-completion provider (editor/completion/identifiers.ts)
      // already lists its members from the live syntax tree; the API index adds the other files' APIs.
      const uri = document.uri.toString();
      if (result.items.every((m) => m.uri === uri)) return undefined;
      const range = new vscode.Range(document.positionAt(result.prefixStart), position);
      const items = result.items.map((m, i) => {
        const where = m.container || vscode.workspace.asRelativePath(vscode.Uri.parse(m.uri));
        const item = new vscode.CompletionItem({ label: m.label, detail: m.params.length || m.kind === 'method' || m.kind === 'function' ? `(${m.params.join(', ')})` : '', description: `Tokenwise · API · ${where}` }, kindOf[m.kind] ?? vscode.CompletionItemKind.Property);
        item.detail = m.signature ?? m.label;
        item.documentation = documentation(m);
        // Ranked order, ahead of word-based items and of the model-ranked identifiers (`!1…`).
        item.sortText = `!0${String(i).padStart(2, '0')}`;
        item.filterText = m.label;
        item.range = range;
        item.preselect = i === 0;
        return item;
      });
      return new vscode.CompletionList(items, false);
    },
  };
  disposables.push(vscode.languages.registerCompletionItemProvider(languages.map((language) => ({ language })), provider, '.'));

  disposables.push(
    services.commands.register([
      {
        id: 'tokenwise.findApi',
        run: async () => {
          if (!(await ensureOpen())) {
            void vscode.window.showInformationMessage(folder() ? 'Tokenwise: the API index is off (tokenwise.api.enabled) or failed; see the log.' : 'Tokenwise: open a folder to search its APIs.');
            return;
          }
          const editor = vscode.window.activeTextEditor;
          type Item = vscode.QuickPickItem & { member: ApiMember; insertText?: string };
          const goto: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('go-to-file'), tooltip: 'Go to definition' };
          const pick = vscode.window.createQuickPick<Item>();
          pick.placeholder = 'Describe what you need ("parse the config file", "retry a request")';
          pick.matchOnDescription = true;
          pick.matchOnDetail = true;
          let seq = 0;
          let hits: Item[] = [];
          let answerItem: Item | undefined;
          let answering: AbortController | undefined;
          let answerTimer: ReturnType<typeof setTimeout> | undefined;
          let searching = false;
          const busy = () => (pick.busy = searching || !!answering);
          // Items are replaced only when they change (replacing them moves the active item to the top).
          const show = () => {
            pick.items = answerItem ? [answerItem, ...hits] : hits;
            busy();
          };
          const jump = async (m: ApiMember) => {
            const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(m.uri));
            const at = new vscode.Position(m.line, m.character);
            await vscode.window.showTextDocument(doc, { selection: new vscode.Range(at, at) });
          };
          const where = (m: ApiMember) => `${vscode.workspace.asRelativePath(vscode.Uri.parse(m.uri))}:${m.line + 1}`;
          const stopAnswer = () => {
            if (answerTimer) clearTimeout(answerTimer);
            answerTimer = undefined;
            answering?.abort();
            answering = undefined;
          };
          // A call written for the cursor by an instruction-tuned model (in the worker), once typing pauses.
          const askForCall = (value: string, mine: number) => {
            stopAnswer();
            if (!editor || editor.document.isClosed || !value.trim()) return;
            answerTimer = setTimeout(async () => {
              const controller = new AbortController();
              answering = controller;
              busy();
              const document = editor.document;
              const result = await engine
                .request('api.answer', { query: value, uri: document.uri.toString(), text: document.getText(), offset: document.offsetAt(editor.selection.active), languageId: document.languageId, version: document.version }, { signal: controller.signal, priority: 'interactive' })
                .catch((error: unknown) => (controller.signal.aborted ? undefined : ({ status: 'failed', reason: describeError(error), ms: 0 } as const)));
              if (answering === controller) answering = undefined;
              if (mine !== seq || !result) return void busy();
              switch (result.status) {
                case 'accepted':
                  pick.title = undefined;
                  answerItem = {
                    label: `✨ Call for this context: ${result.call}`,
                    description: `${result.api.container ? `${result.api.container}.` : ''}${result.api.signature ?? result.api.label}`,
                    detail: `${result.api.doc ? `${result.api.doc.split('\n')[0]} — ` : ''}${where(result.api)} · grounded in the retrieved APIs (${Math.round(result.ms)} ms)`,
                    alwaysShow: true,
                    buttons: [goto],
                    member: result.api,
                    insertText: result.insertText,
                  };
                  break;
                case 'rejected':
                  pick.title = `No call for this context: the model's answer was rejected (${result.reason})`;
                  break;
                case 'failed':
                  pick.title = `No call for this context: ${result.reason}`;
                  services.log.warn(`Find API: ${result.reason}`);
                  break;
                case 'unavailable':
                  if (unavailableLogged !== result.reason) services.log.info(`Find API: no call answers (${result.reason})`);
                  unavailableLogged = result.reason;
                  break;
              }
              if (result.status === 'accepted') show();
              else busy();
            }, answerDelayMs);
          };
          pick.onDidChangeValue(async (value) => {
            const mine = ++seq;
            // A call written for the previous query goes at once.
            const hadAnswer = !!answerItem;
            answerItem = undefined;
            pick.title = undefined;
            askForCall(value, mine);
            if (!value.trim()) {
              hits = [];
              searching = false;
              return show();
            }
            searching = true;
            if (hadAnswer) show();
            else busy();
            const found = await engine.request('api.search', { query: value, limit: 20, ...(editor ? { languageId: editor.document.languageId, uri: editor.document.uri.toString() } : {}) }).catch(() => []);
            if (mine !== seq) return;
            searching = false;
            // The order is the search's; VS Code must not re-filter by the label.
            hits = found.map((m) => ({
              label: `${m.container ? `${m.container}.` : ''}${m.label}`,
              description: m.signature ?? '',
              detail: `${m.doc ? `${m.doc.split('\n')[0]} — ` : ''}${where(m)}${m.alike?.length ? ` · also ${m.alike.slice(0, 3).join(', ')}${m.alike.length > 3 ? ` and ${m.alike.length - 3} more` : ''}` : ''}`,
              alwaysShow: true,
              buttons: [goto],
              member: m,
            }));
            show();
          });
          pick.onDidTriggerItemButton(async (e) => {
            pick.hide();
            await jump(e.item.member);
          });
          pick.onDidAccept(async () => {
            const chosen = pick.selectedItems[0];
            pick.hide();
            if (!chosen) return;
            if (editor && !editor.document.isClosed) await editor.insertSnippet(chosen.insertText !== undefined ? new vscode.SnippetString().appendText(chosen.insertText) : callSnippet(chosen.member), editor.selection);
            else await jump(chosen.member);
          });
          pick.onDidHide(() => {
            // Closing the quick pick cancels the model's answer (the HTTP request is aborted).
            stopAnswer();
            pick.dispose();
          });
          pick.show();
        },
      },
    ]),
  );

  disposables.push(
    onDidChangeSettings('api', () => {
      opened = undefined;
      if (readSetting('api.enabled')) void ensureOpen();
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      opened = undefined;
      void ensureOpen();
    }),
    // A restarted worker has lost the index: reopen (from storage) when the engine is back.
    engine.onDidChangeState((state) => {
      if (state.kind === 'loading') opened = undefined;
    }),
    { dispose: () => tokenSource?.cancel() },
  );
  void ensureOpen();
  return vscode.Disposable.from(...disposables);
}
