import { runCli } from './dispatcher';
import { cliCommands } from './commands';
import { tokenwiseVersion } from '../core/base/version';

const controller = new AbortController();
// `tokenwise … | head` closes the pipe early: stop quietly instead of printing a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
// Ctrl-C cancels the command (exit 130); a second Ctrl-C while it winds down exits at once.
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort();
});

const io = {
  stdout: (text: string) => void process.stdout.write(text),
  stderr: (text: string) => void process.stderr.write(text),
  drain: () => (process.stdout.writableNeedDrain ? new Promise<void>((resolve) => process.stdout.once('drain', () => resolve())) : Promise.resolve()),
};

runCli(process.argv.slice(2), cliCommands, io, tokenwiseVersion, controller.signal).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`tokenwise: internal error: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
