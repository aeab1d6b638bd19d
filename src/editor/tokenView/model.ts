/**
 * Token state per document for the token view and the status bar: VS Code documents adapted to
 * `TokenDocuments` (src/worker/tokenDocuments.ts), whose spans come from the tokenizer thread —
 * the extension host never tokenizes (a 100k-character run, a 1 MB line or a catastrophic
 * tokenizer.json regex cannot freeze it). Full spans are kept incrementally there; documents over
 * `tokenwise.tokens.maxFileSize` are tokenized around the visible range plus margins.
 */
import * as vscode from 'vscode';
import { looksBinary } from '../../core/base/document';
import { TokenDocuments, type DocumentRef, type DocumentTokens, type TokenDocumentsOptions } from '../../worker/tokenDocuments';
import type { TokenizerClient } from '../../worker/tokenizerClient';

export type { DocumentTokens } from '../../worker/tokenDocuments';

/**
 * Bytes for the core's binary sniffing (src/core/base/document.ts) from a document's text. VS Code
 * shows bytes it could not decode as U+FFFD; each counts as a control character (as before), so
 * many of them mark a binary file while a stray one in a mis-encoded text file does not.
 */
function sniffBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text.slice(0, 8192).replace(/\ufffd/g, '\u0001'));
}

function ref(doc: vscode.TextDocument): DocumentRef {
  return {
    uri: doc.uri.toString(),
    version: doc.version,
    length: doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end),
    getText: () => doc.getText(),
  };
}

export class TokenModel {
  private readonly docs: TokenDocuments;
  /** Binary verdict per document (checked once; a document rarely changes nature). */
  private readonly binary = new Map<string, boolean>();

  constructor(readonly client: TokenizerClient, options: TokenDocumentsOptions) {
    this.docs = new TokenDocuments(client, options);
  }

  /** The tokenizer the spans are for (set once the thread has loaded it). */
  setTokenizer(name: string | undefined): void {
    this.docs.setTokenizer(name);
  }

  get current(): string | undefined {
    return this.docs.current;
  }

  forget(uri: string): void {
    this.docs.forget(uri);
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

  /** Up-to-date tokens of `doc` (large documents: around `visible`, UTF-16 offsets), else undefined while the thread works on them. */
  get(doc: vscode.TextDocument, visible?: { start: number; end: number }): DocumentTokens | undefined {
    return this.docs.peek(ref(doc), visible);
  }

  /** The tokens once they are up to date (hover). */
  ensure(doc: vscode.TextDocument, visible?: { start: number; end: number }): Promise<DocumentTokens | undefined> {
    return this.docs.ensure(ref(doc), visible);
  }

  isPending(doc: vscode.TextDocument): boolean {
    return this.docs.isPending(doc.uri.toString());
  }

  /** Mirrors an edit in the thread: one change as such; several at once (multi-cursor) as a full text next time. */
  applyEdit(event: vscode.TextDocumentChangeEvent): void {
    if (event.contentChanges.length === 0) return;
    const c = event.contentChanges.length === 1 ? event.contentChanges[0]! : undefined;
    this.docs.change(event.document.uri.toString(), event.document.version, c ? { start: c.rangeOffset, oldEnd: c.rangeOffset + c.rangeLength, text: c.text } : null);
  }
}
