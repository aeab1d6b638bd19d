/**
 * A small base for webview panels (vscode-extension-samples' webview sample, hardened):
 * - a page with a nonce CSP (html.ts): `default-src 'none'`, scripts only with the nonce,
 *   styles/images/fonts only from `webview.cspSource`;
 * - `localResourceRoots` limited to the webview bundle (dist/webview/) and media/;
 * - disposables owned by the panel, disposed with it;
 * - typed messages both ways (a map in src/core/protocol/webview.ts); every message from the
 *   webview validated (messages.ts), unknown or malformed ones dropped with a log line;
 * - posts before the webview is listening are queued until it says `ready` (again after the page
 *   was discarded while hidden: no `retainContextWhenHidden`; the webview keeps its own state
 *   with `getState`/`setState`, and `registerPanelSerializer` revives panels after a reload).
 */
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { PanelProtocol, ToHost, ToWebview, WebviewProtocol } from '../../core/protocol/webview';
import { DisposableStore, type DisposableLike } from '../lifetimes';
import { describeError } from '../../core/base/errors';
import { createNonce, panelHtml } from './html';
import { baseValidators, validateMessage, type Check, type Validators } from './messages';

export interface PanelSpec<P extends WebviewProtocol, S> {
  /** The panel's view type (also the serializer's key; declare `onWebviewPanel:<viewType>` if revived). */
  readonly viewType: string;
  readonly title: string;
  /** The script of the page, relative to dist/webview/ (e.g. 'main.js'). */
  readonly script: string;
  /** Stylesheets relative to media/. */
  readonly styles?: readonly string[];
  /** Stylesheets the webview bundle emitted, relative to dist/webview/ (CSS imported by the page's script). */
  readonly bundledStyles?: readonly string[];
  /** Shapes of the messages the webview may send (beyond the base `ready`). */
  readonly validators: Validators<P['toHost']>;
  /** Checks a state restored from the webview (`setState` of a previous session). */
  readonly isState?: Check<S>;
}

/** Folders a panel may load from: the webview bundle and media/, nothing else of the extension. */
export function panelResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function panelWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, enableCommandUris: false, localResourceRoots: panelResourceRoots(extensionUri) };
}

export abstract class Panel<P extends WebviewProtocol, S = unknown> implements vscode.Disposable {
  /** Disposed with the panel. */
  protected readonly disposables = new DisposableStore();
  private readonly validators: Validators<PanelProtocol<P>['toHost']>;
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  private queue: ToWebview<P>[] = [];
  private ready = false;
  private disposed = false;
  readonly onDidDispose = this.disposeEmitter.event;

  /**
   * `panel`: a new one (`Panel.createWebviewPanel`) or one VS Code restores (serializer);
   * `restored`: the state the webview had saved, already validated.
   */
  protected constructor(
    protected readonly services: Services,
    protected readonly spec: PanelSpec<P, S>,
    readonly panel: vscode.WebviewPanel,
    protected readonly restored: S | undefined = undefined,
  ) {
    this.validators = { ...spec.validators, ...baseValidators } as Validators<PanelProtocol<P>['toHost']>;
    const webview = panel.webview;
    webview.options = panelWebviewOptions(services.extensionUri);
    const asUri = (...path: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(services.extensionUri, ...path)).toString();
    webview.html = panelHtml({
      title: spec.title,
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: asUri('dist', 'webview', spec.script),
      styleUris: [...(spec.styles ?? []).map((s) => asUri('media', s)), ...(spec.bundledStyles ?? []).map((s) => asUri('dist', 'webview', s))],
    });
    this.disposables.push(
      this.disposeEmitter,
      webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidChangeViewState(() => {
        // Hidden without retainContextWhenHidden: the page is discarded and says `ready` again when shown.
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** A new panel with the base's options (no `retainContextWhenHidden`). */
  static createWebviewPanel(extensionUri: vscode.Uri, viewType: string, title: string, column = vscode.ViewColumn.Beside): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(viewType, title, { viewColumn: column, preserveFocus: true }, panelWebviewOptions(extensionUri));
  }

  /** Sends a message; queued until the webview listens. */
  post(message: ToWebview<P>): void {
    if (this.disposed) return;
    if (!this.ready) {
      this.queue.push(message);
      return;
    }
    void this.panel.webview.postMessage(message).then(undefined, (error: unknown) => this.services.log.warn(`panel ${this.spec.viewType}: post failed: ${describeError(error)}`));
  }

  /** Handles a validated message from the webview (`ready` is handled by the base first). */
  protected abstract onMessage(message: ToHost<P>): void | Promise<void>;

  /** The page (re)loaded and listens: send what it shows. Queued posts go out right after. */
  protected onReady(): void {}

  /** Adds a disposable owned by this panel. */
  protected own<T extends DisposableLike>(disposable: T): T {
    return this.disposables.add(disposable);
  }

  private receive(raw: unknown): void {
    const checked = validateMessage(this.validators, raw);
    if (!checked.ok) {
      this.services.log.warn(`panel ${this.spec.viewType}: dropped a message from the webview (${checked.reason})`);
      return;
    }
    const message = checked.message as ToHost<P>;
    if (message.type === 'ready') {
      this.ready = true;
      this.onReady();
      const queued = this.queue;
      this.queue = [];
      for (const m of queued) this.post(m);
    }
    void Promise.resolve()
      .then(() => this.onMessage(message))
      .catch((error: unknown) => this.services.notifyErrorOnce(`${this.spec.title}: ${describeError(error)}`));
  }

  reveal(column?: vscode.ViewColumn): void {
    this.panel.reveal(column, true);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.queue = [];
    this.disposeEmitter.fire();
    this.disposables.dispose();
    this.panel.dispose();
  }
}

/**
 * Revives panels of `viewType` after a window reload, from the state their webview saved
 * (`setState`); a state that fails `isState` is dropped (logged) and the panel starts fresh.
 */
export function registerPanelSerializer<S>(
  services: Services,
  viewType: string,
  isState: Check<S> | undefined,
  revive: (panel: vscode.WebviewPanel, state: S | undefined) => void,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(viewType, {
    async deserializeWebviewPanel(panel, state: unknown) {
      let valid: S | undefined;
      if (state !== undefined && state !== null) {
        if (isState?.(state)) valid = state;
        else services.log.warn(`panel ${viewType}: ignored a restored state that does not fit`);
      }
      revive(panel, valid);
    },
  });
}
