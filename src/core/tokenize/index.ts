/**
 * Tokenizers with exact spans (no vscode; plain data).
 *
 * - `loadTokenizer(parseTokenizerSpec('o200k_base' | 'cl100k_base' | … | 'model' | path))` gives a
 *   `SpanTokenizer`: OpenAI encodings (ranks read once from tiktoken's WASM) or any BPE
 *   tokenizer.json (byte-level + regex Split, SentencePiece-style with byte fallback, NFC/Prepend/
 *   Replace normalizers, non-special added tokens). Ids are tested equal to tiktoken's
 *   `encode_ordinary` and to @huggingface/tokenizers' `encode` (without BOS/EOS).
 * - `encodeSpans(text)` → `TokenSpans`: contiguous tokens with UTF-16 and UTF-8 offsets. A token
 *   that ends inside a multi-byte character gets the whole character (flag splitEnd); tokens after
 *   it inside that character have empty UTF-16 spans (flag splitStart) but exact byte offsets.
 *   Text a normalizer changed (NFC composition, Llama's prepended "▁") goes to the token that
 *   starts the changed stretch; tokens covering it carry the `normalized` flag.
 * - Special-token text in a document (`<|endoftext|>`) is always ordinary text.
 * - `retokenize(tok, previous, text, edit)` re-tokenizes only around an edit (identical to a full
 *   run); `encodeWindow(text, from, to)` tokenizes a window of a large document.
 */
export { TokenFlag, tiktokenEncodingNames, type TokenSpan, type TextEdit, type TokenizerSpec, type TiktokenEncodingName } from './types';
export { TokenSpans } from './spans';
export type { SpanTokenizer } from './engine';
export { retokenize, type RetokenizeStats } from './incremental';
export { disposeTokenizers, loadTokenizer, parseTokenizerSpec, specKey } from './registry';
export { describeToken, escapeTokenText } from './describe';
