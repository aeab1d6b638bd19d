/**
 * Token state per document for the token view and the status bar: full spans (kept up to date
 * incrementally on edits) or, for documents over `tokenwise.tokens.maxFileSize`, the spans of the
 * visible range plus margins.
 */
import * as vscode from 'vscode';
import { retokenize, type SpanTokenizer, type TextEdit, type TokenSpans } from '../../core/tokenize';
import { looksBinary } from '../../core/base/document';

export interface DocumentTokens {
  version: number;
  spans: TokenSpans;
  /** True when only a window of a large document is tokenized. */
  partial: boolean;
}

/**
 * Bytes for the core's binary sniffing (src/core/base/document.ts) from a document's text. VS Code
 * shows bytes it could not decode as U+FFFD; each counts as a control character (as before), so
 * many of them mark a binary file while a stray one in a mis-encoded text file does not.
 */
function sniffBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text.slice(0, 8192).replace(/\ufffd/g, '\u0001'));
}

/** Margin (UTF-16 units) tokenized around the visible range of a large document. */
const windowMargin = 20_000;

export class TokenModel {
  private readonly docs = new Map<string, DocumentTokens>();
  /** Binary verdict per document (checked once; a document rarely changes nature). */
  private readonly binary = new Map<string, boolean>();

  constructor(private tokenizer: SpanTokenizer | undefined, private maxFileSize: () => number) {}

  setTokenizer(tokenizer: SpanTokenizer | undefined): void {
    this.tokenizer = tokenizer;
    this.docs.clear();
  }

  get current(): SpanTokenizer | undefined {
    return this.tokenizer;
  }

  forget(uri: string): void {
    this.docs.delete(uri);
    this.binary.delete(uri);
  }

  isBinary(doc: vscode.TextDocument): boolean {
    const key = doc.uri.toString();
    let verdict = this.binary.get(key);
    if (verdict === undefined) {
      verdict = looksBinary(sniffBytes(doc.getText(doc.validateRange(new vscode.Range(0, 0, 200, 0)))));
      this.binary.set(key, verdict);
    }
    return verdict;
  }

  /** Tokens of `doc`; for large documents those around `visible` (UTF-16 offsets). */
  get(doc: vscode.TextDocument, visible?: { start: number; end: number }): DocumentTokens | undefined {
    const tok = this.tokenizer;
    if (!tok) return undefined;
    const key = doc.uri.toString();
    const cached = this.docs.get(key);
    // The size limit applies to documents already tokenized too (the setting may have changed since).
    const length = doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
    const large = length > this.maxFileSize();
    if (cached && cached.version === doc.version && !cached.partial && !large && cached.spans.tokenizer === tok.name) return cached;
    const text = doc.getText();
    if (!large) {
      const fresh: DocumentTokens = { version: doc.version, spans: tok.encodeSpans(text), partial: false };
      this.docs.set(key, fresh);
      return fresh;
    }
    const want = visible ?? { start: 0, end: Math.min(text.length, windowMargin) };
    if (
      cached &&
      cached.version === doc.version &&
      cached.partial &&
      cached.spans.tokenizer === tok.name &&
      cached.spans.rangeStart <= Math.max(0, want.start - windowMargin / 4) &&
      cached.spans.rangeEnd >= Math.min(text.length, want.end + windowMargin / 4)
    )
      return cached;
    const spans = tok.encodeWindow(text, Math.max(0, want.start - windowMargin), Math.min(text.length, want.end + windowMargin));
    const fresh: DocumentTokens = { version: doc.version, spans, partial: !spans.complete };
    this.docs.set(key, fresh);
    return fresh;
  }

  /** Updates the tokens of an edited document incrementally (full documents only). */
  applyEdit(event: vscode.TextDocumentChangeEvent): void {
    const key = event.document.uri.toString();
    const cached = this.docs.get(key);
    const tok = this.tokenizer;
    if (!cached || !tok || cached.partial || event.contentChanges.length === 0) {
      if (cached && event.contentChanges.length > 0) this.docs.delete(key);
      return;
    }
    // Several changes at once (multi-cursor): re-tokenize fully (a few ms per 10k lines).
    if (event.contentChanges.length > 1) {
      this.docs.delete(key);
      return;
    }
    const c = event.contentChanges[0]!;
    const text = event.document.getText();
    if (text.length > this.maxFileSize()) {
      this.docs.delete(key);
      return;
    }
    const edit: TextEdit = { start: c.rangeOffset, oldEnd: c.rangeOffset + c.rangeLength, newEnd: c.rangeOffset + c.text.length };
    cached.spans = retokenize(tok, cached.spans, text, edit);
    cached.version = event.document.version;
  }
}
