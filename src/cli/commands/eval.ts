/**
 * `tokenwise eval fim --data <jsonl[.gz]>`: HumanEval-infilling with the model — generates each
 * task's middle, executes the program with the task's tests, and reports pass@1, exact match,
 * edit similarity and latency.
 */
import type { CliCommand } from '../dispatcher';
import { printJson } from '../io';
import { TokenwiseError } from '../../core/base/errors';
import type { BoundaryMode } from '../../core/completion/boundary';
import { loadInfillingTasks } from '../../tools/eval/humanEvalInfilling';
import { requireSandbox } from '../../tools/eval/sandbox';
import { evaluateFim, type FimEvalReport } from '../../tools/eval/fimEval';
import type { FimOrder } from '../../core/completion/prompt/templates';
import { completionOptions } from './complete';
import { confidenceCurve, confidenceSamples } from '../../tools/eval/confidence';
import { defaultMinConfidence } from '../../core/completion/gate';
import { loadCompletionSession, modelOptions } from '../backend';
import { completionEvalDetails, completionEvalOptions, runCompletionEval } from './evalCompletion';
import { apiEvalDetails, apiEvalOptions, runApiEval } from './evalApi';

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Evaluate completion: `eval fim|confidence --data <HumanEval-infilling .jsonl[.gz]>`, `eval completion --repo <dir>`.',
  positionals: [{ name: 'suite', description: 'fim (pass@1, exact match, latency), confidence (share shown vs share right per confidence threshold) or completion (CodeFill: next identifier and statement on a real repository).', required: true }],
  options: {
    data: { type: 'string', valueName: 'file', description: 'Tasks (task_id, prompt, suffix, canonical_solution, test, entry_point), .jsonl or .jsonl.gz.' },
    limit: { type: 'number', valueName: 'n', integer: true, min: 1, description: 'Evaluate the first n tasks only.' },
    timeout: { type: 'number', valueName: 'ms', integer: true, min: 1, max: 2 ** 31 - 1, description: 'Time limit for running each program, 1 to 2147483647 (default 10000).' },
    'unsafe-no-sandbox': { type: 'boolean', description: 'Run the programs with no sandbox at all when bubblewrap is unavailable (they can then read, write and delete what you can, and reach the network).' },
    ...completionOptions,
    ...completionEvalOptions,
    ...apiEvalOptions,
    ...modelOptions,
  },
  details: [
    'JSON (--json): {"mode", "order", "tasks", "passAt1", "exactMatch", "editSimilarity", "latencyMsP50", "latencyMsP95", "sandbox"}.',
    'Sandbox: each program runs in /usr/bin/python3 inside bubblewrap (bwrap) with its own user, pid, network, ipc, uts and',
    'cgroup namespaces (no network: only its own loopback), as uid/gid 65534 (as root, bwrap itself runs as uid 65534),',
    'seeing only read-only /usr, a fresh /proc, a minimal read-only /dev (no writable /dev/shm), private 16 MiB tmpfs /tmp',
    'and /work (its working folder) and no /etc, /run, /var, /home, /root or host sockets; empty environment but PATH and',
    'HOME; limits: address space 1 GiB, 64 processes, CPU time = --timeout, files 16 MiB. At the timeout, or when the',
    'program exits, every process it started is killed (its pid namespace ends). Nothing is written on the host.',
    'Without a working bubblewrap (not installed, or no user namespaces) eval refuses to run unless --unsafe-no-sandbox.',
    'Greedy decoding; the middle is cut at the first line break only if the reference middle has none (single-line tasks).',
    '',
    'eval confidence: the curve behind tokenwise.completion.minConfidence. Every task is completed by the editor\'s',
    'pipeline without the confidence gate (parse gate on); per threshold of the geometric-mean token probability:',
    'the share of tasks with a suggestion shown and the share of shown suggestions equal to the reference middle.',
    'JSON: {"tasks", "model", "curve": [{"threshold", "shown", "precision", "shownCount", "rightCount"}]}. No program is run.',
    'Data: HumanEval-infilling (github.com/openai/human-eval-infilling, MIT); not in the shipped model\'s training corpus.',
    ...completionEvalDetails,
    ...apiEvalDetails,
  ].join('\n'),
  async run(ctx) {
    const suite = ctx.args.positionals[0];
    if (suite === 'completion') return runCompletionEval(ctx);
    if (suite === 'api') return runApiEval(ctx);
    if (suite !== 'fim' && suite !== 'confidence') throw new TokenwiseError('usage', `Unknown suite '${suite}'; available: fim, confidence, completion, api.`);
    const data = ctx.args.options.data as string | undefined;
    if (!data) throw new TokenwiseError('usage', `'eval ${suite}' needs --data <file>.`);
    let tasks = loadInfillingTasks(data);
    const limit = ctx.args.options.limit as number | undefined;
    if (limit !== undefined) tasks = tasks.slice(0, Math.max(0, Math.floor(limit)));
    const mode = (ctx.args.options.mode as BoundaryMode | undefined) ?? 'exact';
    const order = (ctx.args.options.order as FimOrder | undefined) ?? 'psm';
    const maxNewTokens = (ctx.args.options['max-tokens'] as number | undefined) ?? 128;
    if (suite === 'confidence') {
      const session = await loadCompletionSession(ctx);
      try {
        const samples = await confidenceSamples(session, tasks, { mode, order, maxNewTokens, signal: ctx.signal, onProgress: (done) => !ctx.json && ctx.io.stderr(`\r${done}/${tasks.length}`) });
        const curve = confidenceCurve(samples);
        if (ctx.json) {
          printJson(ctx.io, { tasks: tasks.length, model: session.info.name, mode, order, curve });
          return;
        }
        ctx.io.stderr('\n');
        const pct = (x: number) => (Number.isNaN(x) ? '   —  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
        ctx.io.stdout(
          [
            `HumanEval-infilling (${data}), ${tasks.length} tasks, model ${session.info.name}, mode ${mode}: held-out (not in models/corpus_manifest.json)`,
            '  minConfidence   shown   right of shown',
            ...curve.map((p) => `  ${p.threshold.toFixed(2).padStart(13)}  ${pct(p.shown)}  ${pct(p.precision)}  (${p.rightCount}/${p.shownCount})${p.threshold === defaultMinConfidence ? '  ← default' : ''}`),
          ].join('\n') + '\n',
        );
      } finally {
        await session.backend.dispose();
      }
      return;
    }
    const timeoutMs = (ctx.args.options.timeout as number | undefined) ?? 10_000;
    const unsafeNoSandbox = ctx.args.options['unsafe-no-sandbox'] === true;
    const sandbox = requireSandbox(timeoutMs, unsafeNoSandbox);
    const session = await loadCompletionSession(ctx);
    let report: FimEvalReport;
    try {
      report = await evaluateFim(session, tasks, {
        mode,
        order,
        maxNewTokens,
        timeoutMs,
        unsafeNoSandbox,
        signal: ctx.signal,
        onProgress: (done, passed, exact) => {
          if (!ctx.json) ctx.io.stderr(`\r${done}/${tasks.length} pass ${passed} exact ${exact}`);
        },
      });
    } finally {
      await session.backend.dispose();
    }
    if (ctx.json) {
      printJson(ctx.io, { ...report, sandbox });
      return;
    }
    ctx.io.stderr('\n');
    ctx.io.stdout(
      [
        `suite: HumanEval-infilling (${data}), ${report.tasks} tasks, model ${session.info.name} on ${session.info.provider}, sandbox ${sandbox}`,
        `mode ${mode}, order ${order}: pass@1 ${(report.passAt1 * 100).toFixed(1)}%, exact match ${(report.exactMatch * 100).toFixed(1)}%, edit similarity ${report.editSimilarity.toFixed(3)}`,
        `latency p50 ${report.latencyMsP50.toFixed(0)} ms, p95 ${report.latencyMsP95.toFixed(0)} ms`,
      ].join('\n') + '\n',
    );
  },
};
