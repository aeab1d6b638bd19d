import type { CliCommand } from '../dispatcher';
import { TokenwiseError } from '../../core/base/errors';
import { readTextFile } from '../io';
import { describeToken, parseTokenizerSpec, TokenFlag } from '../../core/tokenize';
import { encodeInThread } from '../../worker/tokenizerClient';
import { findShippedModel } from '../../core/model/modelDir';
import { toHex } from '../../core/base/utf8';

/** The tokenizer names `--tokenizer` takes (as documented; tiktoken's others such as gpt2 are not offered). */
export const cliTokenizerNames = ['o200k_base', 'cl100k_base', 'p50k_base', 'r50k_base', 'model'];

/**
 * A token's text for the table, whitespace as the editor's glyphs (space ·, tab →, line break ↵,
 * carriage return ␍; other control characters as their Unicode control pictures), nothing escaped.
 */
export function visibleToken(text: string): string {
  return text.replace(/[\x00-\x20\x7f]/g, (c) => (c === ' ' ? '·' : c === '\t' ? '→' : c === '\n' ? '↵' : c === '\r' ? '␍' : c === '\x7f' ? '␡' : String.fromCharCode(0x2400 + c.charCodeAt(0))));
}

/** Tokens per chunk of `tokens --json` output (a few MB of text at most). */
export const jsonChunkTokens = 16_384;

/** `tokenwise tokens <file>`: the tokens of a file with exact spans. */
export const tokensCommand: CliCommand = {
  name: 'tokens',
  summary: 'Tokenize a file and show each token with its span.',
  positionals: [{ name: 'file', description: 'Text file to tokenize (UTF-8).', required: true }],
  options: {
    tokenizer: {
      type: 'string',
      valueName: 'name|path',
      description: 'o200k_base (default), cl100k_base, p50k_base, r50k_base, model, or a tokenizer.json (or its directory).',
    },
  },
  details: [
    'JSON output: {"tokenizer": string, "count": number, "tokens": [{"id", "start", "end", "bytes"}]}',
    'start/end are UTF-16 code units of the file text (a leading BOM is dropped, as in the editor);',
    'bytes is the hex of the token\'s own bytes. A token that ends inside a multi-byte character gets',
    'the whole character; the tokens after it inside that character have start === end.',
    '"normalized": true marks a token covering text the tokenizer\'s normalizer changed (e.g. NFC for Qwen3): its',
    'bytes are those of the normalized text, not the file\'s; start/end still index the file text (a changed stretch',
    'goes to the token that starts it; tokens inside it have start === end).',
    'Special-token text such as <|endoftext|> is tokenized as ordinary text.',
  ].join('\n'),
  async run(ctx) {
    const file = ctx.args.positionals[0]!;
    const choice = (ctx.args.options.tokenizer as string | undefined) ?? 'o200k_base';
    if (/^[\w-]+$/.test(choice) && !cliTokenizerNames.includes(choice))
      throw new TokenwiseError('usage', `Unknown tokenizer '${choice}': use ${cliTokenizerNames.join(', ')}, or a path to a tokenizer.json (or its directory).`);
    const spec = parseTokenizerSpec(choice, { modelDir: findShippedModel() });
    const text = readTextFile(file);
    // In the tokenizer thread: Ctrl-C (ctx.signal) ends it at once, even inside a long piece or a catastrophic regex.
    const encoded = await encodeInThread(spec, text, ctx.signal);
    const spans = encoded.spans;
    const tokenizer = { name: encoded.name, tokenBytes: (id: number) => encoded.bytes.get(id)! };
    if (ctx.json) {
      // Streamed in chunks: one JSON string of a 50 MB file's tokens would exceed V8's string limit.
      ctx.io.stdout(`{"tokenizer":${JSON.stringify(tokenizer.name)},"count":${spans.count},"tokens":[`);
      let chunk: string[] = [];
      for (let i = 0; i < spans.count; i++) {
        const t = { id: spans.ids[i]!, start: spans.starts[i]!, end: spans.starts[i + 1]!, bytes: toHex(tokenizer.tokenBytes(spans.ids[i]!)), ...(spans.flags[i]! & TokenFlag.normalized ? { normalized: true } : {}) };
        chunk.push((i ? ',' : '') + JSON.stringify(t));
        if (chunk.length === jsonChunkTokens) {
          ctx.io.stdout(chunk.join(''));
          chunk = [];
          await ctx.io.drain?.(); // bounded memory when stdout is slower than tokenization
        }
      }
      ctx.io.stdout(chunk.join('') + ']}\n');
      return;
    }
    const bytes = spans.byteStarts[spans.count]!;
    let split = 0;
    for (let i = 0; i < spans.count; i++) if (spans.flags[i]! & (TokenFlag.splitStart | TokenFlag.splitEnd)) split++;
    const lines = [
      `${file}: ${spans.count} tokens (${tokenizer.name})`,
      `  ${text.length} UTF-16 units, ${bytes} bytes, ${spans.count ? (bytes / spans.count).toFixed(2) : '0'} bytes/token${split ? `, ${split} tokens split a character` : ''}`,
    ];
    const shown = Math.min(spans.count, 40);
    if (shown) lines.push('', '  index      id  start..end  text');
    for (let i = 0; i < shown; i++) {
      const tokenBytes = tokenizer.tokenBytes(spans.ids[i]!);
      const d = describeToken(tokenBytes);
      // Whole characters as the editor shows them; a partial UTF-8 byte as \xNN.
      const shownText = d.complete ? visibleToken(new TextDecoder().decode(tokenBytes)) : d.text;
      lines.push(`  ${String(i).padStart(5)} ${String(spans.ids[i]).padStart(7)}  ${`${spans.starts[i]}..${spans.starts[i + 1]}`.padEnd(10)}  ${shownText}`);
    }
    if (spans.count > shown) lines.push(`  … ${spans.count - shown} more (use --json for all)`);
    ctx.io.stdout(lines.join('\n') + '\n');
  },
};
