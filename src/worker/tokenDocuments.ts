/**
 * Token state per document for the token view, without `vscode` (src/editor/tokenView/model.ts
 * adapts VS Code documents to it; `bench robustness` drives it the same way): the spans of each
 * document come from the tokenizer thread (src/worker/tokenizerClient.ts), whole documents kept
 * incrementally there, documents over the size limit as windows around the visible range.
 *
 * Nothing here tokenizes: `peek` answers from what has arrived and asks the thread for the rest;
 * `onUpdate` fires when fresh spans arrive. The synchronous work per event is posting a change or a
 * request and taking over transferred arrays, whatever the text.
 */
import { CancelledError, describeError } from '../core/base/errors';
import type { TokenSpans } from '../core/tokenize';
import type { DocumentChange, TokenizerClient } from './tokenizerClient';

export interface DocumentRef {
  readonly uri: string;
  readonly version: number;
  /** UTF-16 length of the text. */
  readonly length: number;
  /** The full text (called only when the thread has no current copy). */
  getText(): string;
}

export interface DocumentTokens {
  version: number;
  spans: TokenSpans;
  /** True when only a window of a large document is tokenized. */
  partial: boolean;
}

export interface VisibleRange {
  start: number;
  end: number;
}

export interface TokenDocumentsOptions {
  /** Documents longer than this (UTF-16 units) are tokenized around the visible range only. */
  maxFileSize(): number;
  /** Fresh spans of `uri` arrived (redraw). */
  onUpdate(uri: string): void;
  /** Tokenizing `uri` failed (not superseded): shown once per message by the caller. */
  onError(uri: string, message: string): void;
}

/** Margin (UTF-16 units) tokenized around the visible range of a large document. */
export const windowMargin = 20_000;

interface InFlight {
  version: number;
  /** The window asked for (undefined: the whole document). */
  window: VisibleRange | undefined;
  promise: Promise<DocumentTokens | undefined>;
}

export class TokenDocuments {
  private readonly docs = new Map<string, DocumentTokens>();
  private readonly inflight = new Map<string, InFlight>();
  /** Version per document whose last request failed: not asked again until it changes. */
  private readonly failed = new Map<string, number>();
  private tokenizer: string | undefined;

  constructor(
    private readonly client: TokenizerClient,
    private readonly options: TokenDocumentsOptions,
  ) {}

  /** The name of the tokenizer the spans are for (undefined: none loaded). */
  get current(): string | undefined {
    return this.tokenizer;
  }

  setTokenizer(name: string | undefined): void {
    this.tokenizer = name;
    this.docs.clear();
    this.inflight.clear();
    this.failed.clear();
  }

  forget(uri: string): void {
    this.docs.delete(uri);
    this.inflight.delete(uri);
    this.failed.delete(uri);
    this.client.forget(uri);
  }

  /** Mirrors an edit in the thread (`null`: several changes at once; the thread gets the full text next time). */
  change(uri: string, version: number, change: DocumentChange | null): void {
    this.client.change(uri, version, change);
  }

  /** Whether a request for `uri` is on its way (the view keeps what it shows until it arrives). */
  isPending(uri: string): boolean {
    return this.inflight.has(uri);
  }

  private large(doc: DocumentRef): boolean {
    return doc.length > this.options.maxFileSize();
  }

  private wanted(doc: DocumentRef, visible: VisibleRange | undefined): VisibleRange | undefined {
    if (!this.large(doc)) return undefined;
    const want = visible ?? { start: 0, end: Math.min(doc.length, windowMargin) };
    return { start: Math.max(0, want.start - windowMargin), end: Math.min(doc.length, want.end + windowMargin) };
  }

  private fresh(doc: DocumentRef, visible: VisibleRange | undefined): DocumentTokens | undefined {
    const cached = this.docs.get(doc.uri);
    if (!cached || cached.version !== doc.version || cached.spans.tokenizer !== this.tokenizer) return undefined;
    const large = this.large(doc);
    if (!large) return cached.partial ? undefined : cached;
    // The size limit applies to documents already tokenized too (the setting may have changed since).
    if (!cached.partial) return undefined;
    const want = visible ?? { start: 0, end: Math.min(doc.length, windowMargin) };
    const covers = cached.spans.rangeStart <= Math.max(0, want.start - windowMargin / 4) && cached.spans.rangeEnd >= Math.min(doc.length, want.end + windowMargin / 4);
    return covers ? cached : undefined;
  }

  /** The tokens of `doc` if they are up to date (for large documents: around `visible`); otherwise asks the thread and returns undefined. */
  peek(doc: DocumentRef, visible?: VisibleRange): DocumentTokens | undefined {
    const ready = this.fresh(doc, visible);
    if (ready) return ready;
    void this.request(doc, visible);
    return undefined;
  }

  /** The tokens of `doc` once they are up to date (undefined: failed, superseded or no tokenizer). */
  ensure(doc: DocumentRef, visible?: VisibleRange): Promise<DocumentTokens | undefined> {
    const ready = this.fresh(doc, visible);
    return ready ? Promise.resolve(ready) : this.request(doc, visible);
  }

  private request(doc: DocumentRef, visible: VisibleRange | undefined): Promise<DocumentTokens | undefined> {
    const name = this.tokenizer;
    if (!name || this.failed.get(doc.uri) === doc.version) return Promise.resolve(undefined);
    const window = this.wanted(doc, visible);
    const running = this.inflight.get(doc.uri);
    if (
      running &&
      running.version === doc.version &&
      (running.window === undefined ? window === undefined : window !== undefined && running.window.start <= window.start && running.window.end >= window.end)
    )
      return running.promise;
    const { uri, version } = doc;
    const promise = this.client
      .tokenize(uri, version, doc.length, () => doc.getText(), window ? { from: window.start, to: window.end } : undefined)
      .then(
        (spans) => {
          if (this.inflight.get(uri)?.promise === promise) this.inflight.delete(uri);
          if (this.tokenizer !== name || spans.tokenizer !== name) return undefined;
          const tokens: DocumentTokens = { version, spans, partial: !spans.complete };
          const cached = this.docs.get(uri);
          if (!cached || cached.version <= version) this.docs.set(uri, tokens);
          this.options.onUpdate(uri);
          return tokens;
        },
        (error: unknown) => {
          if (this.inflight.get(uri)?.promise === promise) this.inflight.delete(uri);
          if (error instanceof CancelledError || this.tokenizer !== name) return undefined;
          this.failed.set(uri, version);
          this.options.onError(uri, describeError(error));
          return undefined;
        },
      );
    this.inflight.set(uri, { version, window, promise });
    return promise;
  }
}
