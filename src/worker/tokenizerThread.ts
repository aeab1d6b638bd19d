/**
 * The tokenizer thread (bundled as dist/tokenizer.js; protocol src/core/protocol/tokenizer.ts):
 * tokenizes for the token view and the CLI, one request at a time, and keeps a mirror of each
 * document with its last spans so that an edit is re-tokenized incrementally. Pure JavaScript (no
 * ONNX Runtime, no WASM call in flight while tokenizing), so the host may terminate it whenever a
 * request overruns its budget.
 */
import { parentPort } from 'node:worker_threads';
import { CancelledError, TokenwiseError, describeError } from '../core/base/errors';
import { loadTokenizer, retokenize, type SpanTokenizer, type TextEdit, type TokenSpans } from '../core/tokenize';
import type { HostToTokenizer, SpansData, TokenizerToHost } from '../core/protocol/tokenizer';

interface Mirror {
  text: string;
  version: number;
  /** The last complete spans and the edits since (one composed edit), or none. */
  spans: TokenSpans | null;
  pending: TextEdit | null;
}

/** Composes edit `b` (in the coordinates after `a`) onto `a`: one edit from the text before `a` to the text after `b`. */
export function composeEdits(a: TextEdit, b: TextEdit): TextEdit {
  const deltaA = a.newEnd - a.oldEnd;
  const deltaB = b.newEnd - b.oldEnd;
  const end = Math.max(a.newEnd, b.oldEnd);
  return { start: Math.min(a.start, b.start), oldEnd: end - deltaA, newEnd: end + deltaB };
}

/** Copies of the arrays (the thread keeps its own for the next incremental run) for transfer. */
function toData(spans: TokenSpans): SpansData {
  return { tokenizer: spans.tokenizer, ids: spans.ids.slice(), starts: spans.starts.slice(), byteStarts: spans.byteStarts.slice(), flags: spans.flags.slice(), complete: spans.complete };
}

function transferList(d: SpansData): ArrayBuffer[] {
  return [d.ids.buffer as ArrayBuffer, d.starts.buffer as ArrayBuffer, d.byteStarts.buffer as ArrayBuffer, d.flags.buffer as ArrayBuffer];
}

export function createTokenizerThreadHandler(post: (message: TokenizerToHost, transfer?: ArrayBuffer[]) => void): (message: HostToTokenizer) => void {
  let tokenizer: SpanTokenizer | null = null;
  let fromFile = false;
  let cancel: Int32Array | null = null;
  const docs = new Map<string, Mirror>();

  /** An AbortSignal-like view of the request's shared cancellation flag (the engine reads `aborted`). */
  const signalFor = (id: number): AbortSignal => {
    const flags = cancel;
    return { get aborted() { return flags !== null && Atomics.load(flags, id % flags.length) !== 0; } } as AbortSignal;
  };

  const fail = (id: number, error: unknown) => {
    const kind = error instanceof TokenwiseError ? error.kind : 'internal';
    post({ type: 'error', id, kind, message: describeError(error) });
  };

  const need = (): SpanTokenizer => {
    if (!tokenizer) throw new TokenwiseError('input', 'No tokenizer is loaded.');
    return tokenizer;
  };

  return (m: HostToTokenizer) => {
    switch (m.type) {
      case 'init':
        cancel = new Int32Array(m.cancel);
        return;
      case 'open':
        docs.set(m.uri, { text: m.text, version: m.version, spans: null, pending: null });
        return;
      case 'edit': {
        const d = docs.get(m.uri);
        if (!d) return;
        if (m.start < 0 || m.oldEnd < m.start || m.oldEnd > d.text.length) {
          docs.delete(m.uri);
          return;
        }
        d.text = d.text.slice(0, m.start) + m.text + d.text.slice(m.oldEnd);
        d.version = m.version;
        if (d.spans) {
          const e: TextEdit = { start: m.start, oldEnd: m.oldEnd, newEnd: m.start + m.text.length };
          d.pending = d.pending ? composeEdits(d.pending, e) : e;
        }
        return;
      }
      case 'forget':
        docs.delete(m.uri);
        return;
      case 'load':
        post({ type: 'started', id: m.id });
        try {
          tokenizer = m.spec ? loadTokenizer(m.spec) : null;
          fromFile = m.spec?.kind === 'tokenizer.json';
          for (const d of docs.values()) {
            d.spans = null;
            d.pending = null;
          }
          post({ type: 'loaded', id: m.id, info: tokenizer ? { name: tokenizer.name, vocabSize: tokenizer.vocabSize, fromFile } : null });
        } catch (error) {
          tokenizer = null;
          fail(m.id, error);
        }
        return;
      case 'tokenize': {
        const d = docs.get(m.uri);
        if (!d || d.version !== m.version || d.text.length !== m.length) {
          if (d) docs.delete(m.uri);
          post({ type: 'error', id: m.id, kind: 'desync', message: `tokenizer thread has no copy of ${m.uri} at version ${m.version}` });
          return;
        }
        const signal = signalFor(m.id);
        if (signal.aborted) return fail(m.id, new CancelledError());
        post({ type: 'started', id: m.id });
        try {
          const tok = need();
          let spans: TokenSpans;
          if (m.window) {
            spans = tok.encodeWindow(d.text, m.window.from, m.window.to);
          } else {
            const prev = d.spans;
            // The previous spans' buffers are reused by retokenize: forget them first (an
            // exception must not leave half-updated spans behind).
            d.spans = null;
            spans = prev && d.pending && prev.tokenizer === tok.name ? retokenize(tok, prev, d.text, d.pending) : prev && !d.pending && prev.tokenizer === tok.name ? prev : tok.encodeSpans(d.text, signal);
            d.spans = spans;
            d.pending = null;
          }
          const data = toData(spans);
          post({ type: 'spans', id: m.id, spans: data }, transferList(data));
        } catch (error) {
          fail(m.id, error);
        }
        return;
      }
      case 'encode': {
        const signal = signalFor(m.id);
        post({ type: 'started', id: m.id });
        try {
          const tok = need();
          const spans = tok.encodeSpans(m.text, signal);
          const data: SpansData = { tokenizer: spans.tokenizer, ids: spans.ids, starts: spans.starts, byteStarts: spans.byteStarts, flags: spans.flags, complete: spans.complete };
          let bytes: Array<[number, Uint8Array]> | undefined;
          if (m.withBytes) {
            const seen = new Set<number>();
            for (let i = 0; i < spans.ids.length; i++) seen.add(spans.ids[i]!);
            bytes = [...seen].map((id) => [id, tok.tokenBytes(id)]);
          }
          // Subarrays of a builder's buffers: copy only when they do not start at 0 of their own buffer.
          const own = (a: { byteOffset: number; byteLength: number; buffer: ArrayBufferLike }) => a.byteOffset === 0 && a.byteLength === a.buffer.byteLength;
          const out = own(data.ids) && own(data.starts) && own(data.byteStarts) && own(data.flags) ? data : toData(spans);
          post({ type: 'spans', id: m.id, spans: out, ...(bytes ? { bytes } : {}) }, transferList(out));
        } catch (error) {
          fail(m.id, error);
        }
        return;
      }
      case 'bytes':
        try {
          const tok = need();
          post({ type: 'bytes', id: m.id, bytes: m.ids.map((id) => tok.tokenBytes(id)) });
        } catch (error) {
          fail(m.id, error);
        }
        return;
    }
  };
}

const port = parentPort;
if (port) {
  const handle = createTokenizerThreadHandler((message, transfer) => port.postMessage(message, transfer ?? []));
  port.on('message', (message: HostToTokenizer) => handle(message));
  port.postMessage({ type: 'ready' } satisfies TokenizerToHost);
}
