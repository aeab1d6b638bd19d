/**
 * The typed message maps between the extension host and its webview panels. One map per panel:
 * `{ toWebview: { type: fields }, toHost: { type: fields } }`; a message is `{ type, ...fields }`.
 * Shared by the host's panel base (src/editor/panels) and the webview's messaging helpers
 * (webview/shared/messaging.ts). Types only: no `vscode`, no DOM, no Node.
 */

/** Message type → its fields (without `type`). Fields are plain structured-cloneable data. */
export type MessageMap = Record<string, object>;

export interface WebviewProtocol {
  readonly toWebview: MessageMap;
  readonly toHost: MessageMap;
}

/** The union of messages of a map: `{ type: K } & fields` for each K. */
export type MessageOf<M extends MessageMap, K extends keyof M = keyof M> = K extends keyof M & string ? { type: K } & M[K] : never;

/** Messages every panel's webview may send, whatever its own map. */
export type BaseToHost = {
  /** The webview's script ran and listens; the host may post now. */
  ready: Record<string, never>;
};

/** A panel's protocol with the base messages added. */
export type PanelProtocol<P extends WebviewProtocol> = {
  toWebview: P['toWebview'];
  toHost: P['toHost'] & BaseToHost;
};

export type ToWebview<P extends WebviewProtocol> = MessageOf<PanelProtocol<P>['toWebview']>;
export type ToHost<P extends WebviewProtocol> = MessageOf<PanelProtocol<P>['toHost']>;
