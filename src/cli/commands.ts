import type { CliCommand } from './dispatcher';
import { entropyCommand } from './commands/entropy';
import { tokensCommand } from './commands/tokens';
import { benchCommand } from './commands/bench';
import { completeCommand } from './commands/complete';
import { evalCommand } from './commands/eval';
import { syntaxCommand } from './commands/syntax';
import { apiSearchCommand } from './commands/apiSearch';
import { apiMembersCommand } from './commands/apiMembers';
import { metricsCommand } from './commands/metrics';
import { serveCommand } from './commands/serve';

/**
 * The CLI's command table. Each feature adds its command here; the dispatcher does the rest
 * (parsing, help, errors, exit codes).
 */
export const cliCommands: CliCommand[] = [
  tokensCommand,
  entropyCommand,
  completeCommand,
  evalCommand,
  benchCommand,
  syntaxCommand,
  apiSearchCommand,
  apiMembersCommand,
  serveCommand,
  metricsCommand,
];
