// The webview side of a panel's typed messages (the map lives in src/core/protocol/webview.ts):
// `post` to the host, `onMessage` per message type, and the webview's own state across reloads
// (`getState`/`setState`; panels do not use retainContextWhenHidden). Document text must be
// inserted as text (textContent), never as HTML.
import type { MessageOf, PanelProtocol, ToHost, WebviewProtocol } from '../../src/core/protocol/webview';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

type ToWebviewMap<P extends WebviewProtocol> = PanelProtocol<P>['toWebview'];
type Handler<P extends WebviewProtocol, K extends keyof ToWebviewMap<P>> = (message: MessageOf<ToWebviewMap<P>, K>) => void;

export interface Messaging<P extends WebviewProtocol, S> {
  post(message: ToHost<P>): void;
  /** Calls `handler` for each message of `type`; returns a function that stops it. */
  onMessage<K extends keyof ToWebviewMap<P> & string>(type: K, handler: Handler<P, K>): () => void;
  /** The state saved by `setState` before the page was discarded or the window reloaded. */
  getState(): S | undefined;
  setState(state: S): void;
  /** Tells the host the page listens (after registering the handlers). */
  ready(): void;
}

let api: VsCodeApi | undefined;

/** The one VS Code API object of the page (acquireVsCodeApi may be called only once). */
function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

/**
 * Typed messaging for one panel page. `isState` checks a restored state before it is used (an
 * older version of the page may have saved another shape).
 */
export function createMessaging<P extends WebviewProtocol, S>(isState?: (value: unknown) => value is S): Messaging<P, S> {
  const vscode = vscodeApi();
  const handlers = new Map<string, Set<(message: never) => void>>();
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message = event.data;
    if (typeof message !== 'object' || message === null || typeof (message as { type?: unknown }).type !== 'string') return;
    const set = handlers.get((message as { type: string }).type);
    if (!set) return;
    for (const handler of set) (handler as (m: unknown) => void)(message);
  });
  return {
    post: (message) => vscode.postMessage(message),
    onMessage(type, handler) {
      let set = handlers.get(type);
      if (!set) handlers.set(type, (set = new Set()));
      set.add(handler as (message: never) => void);
      return () => set.delete(handler as (message: never) => void);
    },
    getState() {
      const state = vscode.getState();
      if (state === undefined || state === null) return undefined;
      return !isState || isState(state) ? (state as S) : undefined;
    },
    setState: (state) => vscode.setState(state),
    ready: () => vscode.postMessage({ type: 'ready' }),
  };
}
