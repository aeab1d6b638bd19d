/**
 * The model's tokenizer.json seen as a completion tokenizer: bytes of ordinary tokens, canonical
 * encoding of ordinary text (sentinel strings typed in a document stay ordinary text), pre-token
 * boundaries for the anchor, and special tokens by name.
 */
import { basename, dirname } from 'node:path';
import { HuggingFaceTokenizer, readTokenizerJson } from '../tokenize/huggingface';
import { TokenFlag } from '../tokenize/types';
import type { CompletionTokenizer } from '../completion/fim';

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

export class ModelCompletionTokenizer implements CompletionTokenizer {
  readonly vocabSize: number;
  private readonly specials = new Map<string, number>();
  private readonly specialIds = new Set<number>();
  private readonly tokenizer: HuggingFaceTokenizer;
  /**
   * SentencePiece-style tokenizers (Llama's Prepend "▁" normalizer, Metaspace) add a space before
   * the text; a word start is a run of spaces and fragments are encoded without that extra space.
   */
  private readonly prependsSpace: boolean;

  /** `modelVocabSize`: rows of the model's logits (may exceed the tokenizer's ids). */
  constructor(tokenizerJsonPath: string, modelVocabSize?: number) {
    const json = readTokenizerJson(tokenizerJsonPath);
    // Added tokens typed in a document (Qwen marks its FIM sentinels non-special) stay ordinary text.
    this.tokenizer = new HuggingFaceTokenizer(json, `${basename(dirname(tokenizerJsonPath))} (tokenizer.json)`, { addedTokens: 'ordinary' });
    for (const added of (json as { added_tokens?: Array<{ id: number; content: string; special?: boolean }> }).added_tokens ?? []) {
      this.specials.set(added.content, added.id);
      if (added.special) this.specialIds.add(added.id);
    }
    this.vocabSize = Math.max(modelVocabSize ?? 0, this.tokenizer.vocabSize);
    const probe = this.tokenizer.encodeSpans('a');
    this.prependsSpace = probe.count > 0 && this.tokenizer.tokenBytes(probe.ids[0]!)[0] === 0x20;
  }

  /** Contents of the special tokens, for family detection. */
  specialTokens(): string[] {
    return [...this.specials.keys()];
  }

  specialId(content: string): number | undefined {
    return this.specials.get(content);
  }

  tokenBytes(id: number): Uint8Array | undefined {
    if (this.specialIds.has(id) || id >= this.tokenizer.vocabSize) return undefined;
    return this.tokenizer.tokenBytes(id);
  }

  encode(bytes: Uint8Array): number[] {
    let text: string;
    try {
      text = fatalUtf8.decode(bytes);
    } catch {
      // Bytes ending inside a character have no canonical encoding as text; covers that would
      // need one are dropped (only possible for tokens that split a multi-byte character).
      return [];
    }
    // A fragment that starts a word (" ret") is encoded as in the middle of a document: the
    // tokenizer's own prepended space stands for the fragment's first space.
    if (this.prependsSpace && text.startsWith(' ')) text = text.slice(1);
    return Array.from(this.tokenizer.encodeSpans(text).ids);
  }

  preTokenStarts(bytes: Uint8Array): number[] {
    if (this.prependsSpace) {
      // SentencePiece pieces start at a space run that follows other text.
      const starts = [0];
      for (let i = 1; i < bytes.length; i++) if (bytes[i] === 0x20 && bytes[i - 1] !== 0x20) starts.push(i);
      return starts;
    }
    let text: string;
    try {
      text = fatalUtf8.decode(bytes);
    } catch {
      return [0];
    }
    const spans = this.tokenizer.encodeSpans(text);
    const starts: number[] = [];
    for (let i = 0; i < spans.count; i++) if (spans.flags[i]! & TokenFlag.pieceStart) starts.push(spans.byteStarts[i]!);
    if (starts[0] !== 0) starts.unshift(0);
    return starts;
  }

  dispose(): void {
    this.tokenizer.dispose();
  }
}
