/**
 * `tokenwise entropy <file>`: per-token log-probability, entropy, rank and top-k alternatives of
 * a file under the model, plus bits per byte. The engine runs in-process here (no worker: the CLI
 * has no UI thread to protect); long files are scored in windows that reuse the KV cache.
 */
import type { CliCommand } from '../dispatcher';
import { TokenwiseError } from '../../core/base/errors';
import { printJson, readTextFile } from '../io';
import { loadModel, modelOptions } from '../backend';
import { scoreText } from '../../core/entropy/scoreText';

export const entropyCommand: CliCommand = {
  name: 'entropy',
  summary: "Score a file with the model: per-token surprise (logprob, entropy, rank, top-k) and bits per byte.",
  positionals: [{ name: 'file', description: 'Text file to score.', required: true }],
  options: {
    top: { type: 'number', valueName: 'k', description: 'Alternatives per token (default 5).' },
    ...modelOptions,
  },
  details: [
    'JSON (--json): {"model", "provider", "bitsPerByte", "tokens": [{"id", "start", "end", "logprob", "entropy",',
    '"rank", "top": [{"id", "text", "logprob"}]}]}. start/end are UTF-16 offsets in the file text; logprob and',
    'entropy are in nats; rank 1 = the model\'s top choice. The first token is scored after the BOS token.',
  ].join('\n'),
  async run(ctx) {
    const file = ctx.args.positionals[0]!;
    const text = readTextFile(file);
    const top = (ctx.args.options.top as number | undefined) ?? 5;
    if (!Number.isInteger(top) || top < 0 || top > 100) throw new TokenwiseError('usage', `--top must be an integer from 0 to 100; got ${top}.`);
    const topK = top;
    const { backend } = await loadModel(ctx, 64);
    try {
      const result = await scoreText(backend, text, { topK, signal: ctx.signal, priority: 'interactive' });
      if (ctx.json) {
        printJson(ctx.io, result);
        return;
      }
      const lines = [
        `model: ${result.model}`,
        `provider: ${result.provider}`,
        `tokens: ${result.tokens.length}`,
        `bits per byte: ${result.bitsPerByte.toFixed(3)}`,
      ];
      const surprising = [...result.tokens].sort((a, b) => a.logprob - b.logprob).slice(0, 10);
      if (surprising.length) {
        lines.push('', 'most surprising tokens:');
        for (const t of surprising) {
          const before = text.slice(0, t.start);
          const line = before.split('\n').length;
          const col = t.start - before.lastIndexOf('\n');
          const alt = t.top[0] ? ` (expected ${JSON.stringify(t.top[0].text)})` : '';
          lines.push(`  ${`${line}:${col}`.padEnd(9)} ${JSON.stringify(text.slice(t.start, t.end)).padEnd(18)} ${(-t.logprob / Math.LN2).toFixed(2).padStart(6)} bits  rank ${t.rank}${alt}`);
        }
      }
      ctx.io.stdout(lines.join('\n') + '\n');
    } finally {
      await backend.dispose();
    }
  },
};
