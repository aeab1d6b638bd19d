/**
 * `tokenwise entropy <file>`: per-token log-probability, entropy, rank and top-k alternatives of
 * a file under the model, plus bits per byte. The engine runs in-process here (no worker: the CLI
 * has no UI thread to protect); long files are scored in windows that reuse the KV cache, a group of
 * windows at a time, and written as they are scored (bounded memory, progress on stderr).
 */
import type { CliCommand } from '../dispatcher';
import { readTextFile } from '../io';
import { loadModel, modelOptions } from '../backend';
import { scoreTextStream } from '../../core/entropy/scoreText';
import type { TextScoreToken } from '../../core/inference/types';

/** Default largest file `entropy` scores (about 25 s on 2 CPU cores with the shipped model); --max-bytes lifts it. */
export const defaultEntropyMaxBytes = 256 * 1024;

export const entropyCommand: CliCommand = {
  name: 'entropy',
  summary: "Score a file with the model: per-token surprise (logprob, entropy, rank, top-k) and bits per byte.",
  positionals: [{ name: 'file', description: 'Text file to score.', required: true }],
  options: {
    top: { type: 'number', valueName: 'k', integer: true, min: 0, max: 100, description: 'Alternatives per token (default 5, at most 100).' },
    'max-bytes': { type: 'number', valueName: 'n', integer: true, min: 0, description: `Largest file to score (default ${defaultEntropyMaxBytes} = 256 KiB; 0 = no limit but 256 MiB).` },
    ...modelOptions,
  },
  details: [
    'JSON (--json): {"model", "provider", "tokens": [{"id", "start", "end", "logprob", "entropy", "rank", "top": [{"id",',
    '"text", "logprob"}]}], "bitsPerByte"}, streamed as the tokens are scored. start/end are UTF-16 offsets in the file',
    'text; logprob and entropy are in nats; rank 1 = the model\'s top choice. The first token is scored after the BOS token.',
    'Progress goes to stderr. Memory stays bounded: tokens are scored and written a group of context windows at a time.',
  ].join('\n'),
  async run(ctx) {
    const file = ctx.args.positionals[0]!;
    const maxBytesOption = (ctx.args.options['max-bytes'] as number | undefined) ?? defaultEntropyMaxBytes;
    const text = maxBytesOption === 0 ? readTextFile(file) : readTextFile(file, maxBytesOption, 'pass --max-bytes <n> (0 = no limit) to score it anyway');
    const topK = (ctx.args.options.top as number | undefined) ?? 5;
    const { backend } = await loadModel(ctx, 64);
    try {
      const info = await backend.info();
      const t0 = performance.now();
      let lastProgress = 0;
      const progress = (done: number, total: number) => {
        const now = performance.now();
        if (done < total && now - lastProgress < 1000) return;
        lastProgress = now;
        ctx.io.stderr(`\r[entropy] ${done}/${total} tokens (${total ? ((100 * done) / total).toFixed(0) : 100}%), ${((now - t0) / 1000).toFixed(0)} s${done >= total ? '\n' : ''}`);
      };
      // Text mode keeps only the 10 most surprising tokens; JSON is written as it comes.
      const surprising: TextScoreToken[] = [];
      let first = true;
      if (ctx.json) ctx.io.stdout(`{"model":${JSON.stringify(info.location)},"provider":${JSON.stringify(info.provider)},"tokens":[`);
      const result = await scoreTextStream(backend, text, { topK, signal: ctx.signal, priority: 'interactive', onProgress: progress }, async (tokens) => {
        if (ctx.json) {
          if (tokens.length) ctx.io.stdout((first ? '' : ',') + tokens.map((t) => JSON.stringify(t)).join(','));
          if (tokens.length) first = false;
          await ctx.io.drain?.();
          return;
        }
        for (const t of tokens) {
          if (surprising.length === 10 && t.logprob >= surprising[9]!.logprob) continue;
          surprising.push(t);
          surprising.sort((a, b) => a.logprob - b.logprob);
          if (surprising.length > 10) surprising.pop();
        }
      });
      if (ctx.json) {
        ctx.io.stdout(`],"bitsPerByte":${JSON.stringify(result.bitsPerByte)}}\n`);
        return;
      }
      const lines = [
        `model: ${result.model}`,
        `provider: ${result.provider}`,
        `tokens: ${result.tokenCount}`,
        `bits per byte: ${result.bitsPerByte.toFixed(3)}`,
      ];
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
