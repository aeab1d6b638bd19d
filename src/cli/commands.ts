import type { CliCommand } from './dispatcher';

/**
 * The CLI's command table. Each feature adds its command here; the dispatcher does the rest
 * (parsing, help, errors, exit codes).
 */
export const cliCommands: CliCommand[] = [];
