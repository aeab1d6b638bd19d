/**
 * Where each generated token ends in the generated text (UTF-16 characters), so the confidence
 * gate can weigh only the tokens that are shown — for text-only generation, where Tokenwise has no
 * local tokenizer to decode the ids. A token that ends inside a character ends before it, as the
 * embedded decoder counts (`decodeMiddle`).
 */
import { utf8DecodeComplete } from '../../base/utf8';

/** From each token's bytes, as llama.cpp (`completion_probabilities[].bytes`) and Ollama report them. */
export function tokenEndsFromBytes(pieces: readonly Uint8Array[]): number[] {
  const total = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  const ends: number[] = [];
  let at = 0;
  for (const piece of pieces) {
    total.set(piece, at);
    at += piece.length;
    ends.push(utf8DecodeComplete(total.subarray(0, at)).length);
  }
  return ends;
}

/**
 * From a stream of events, each adding text and the tokens behind it (vLLM / OpenAI
 * `choices[].text` with `logprobs.tokens`): a token ends where its event's text ends; several
 * tokens in one event are split by `text_offset` where the server gives it. Text that comes
 * without tokens (a character the server held back until it was complete) belongs to the token before.
 */
export class StreamedTokenEnds {
  readonly ends: number[] = [];
  private length = 0;

  add(tokens: number, text: string, textOffsets?: readonly unknown[]): void {
    const start = this.length;
    this.length += text.length;
    if (tokens === 0) {
      if (this.ends.length) this.ends[this.ends.length - 1] = this.length;
      return;
    }
    const base = typeof textOffsets?.[0] === 'number' ? textOffsets[0] : undefined;
    for (let i = 0; i < tokens - 1; i++) {
      const next = textOffsets?.[i + 1];
      const end = base !== undefined && typeof next === 'number' ? start + next - base : start;
      this.ends.push(Math.min(this.length, Math.max(start, end)));
    }
    this.ends.push(this.length);
  }
}
