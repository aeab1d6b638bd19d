import { TokenwiseError, describeError } from '../core/base/errors';

/** One option of a CLI command. Booleans take no value; numbers are validated. */
export interface OptionSpec {
  type: 'string' | 'number' | 'boolean';
  description: string;
  /** Shown in help as `--name <valueName>`. */
  valueName?: string;
  /** Allowed values for string options. */
  choices?: readonly string[];
  /** Number options: only integers. */
  integer?: boolean;
  /** Number options: inclusive bounds. */
  min?: number;
  max?: number;
}

export interface PositionalSpec {
  name: string;
  description: string;
  required: boolean;
  /** The last positional may repeat (`metrics <path>...`). */
  variadic?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string | number | boolean | undefined>;
}

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Resolves once stdout has room again: streamed output (tokens --json, entropy --json) waits on it. */
  drain?(): Promise<void>;
}

export interface CliContext {
  args: ParsedArgs;
  /** True when `--json` was given: print one JSON document on stdout. */
  json: boolean;
  io: CliIO;
  signal: AbortSignal;
}

export interface CliCommand {
  name: string;
  summary: string;
  positionals: readonly PositionalSpec[];
  options: Readonly<Record<string, OptionSpec>>;
  /** Extra lines for `--help` (examples, output format). */
  details?: string;
  run(ctx: CliContext): Promise<void>;
}

/** Options every command accepts. */
const commonOptions: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'Print machine-readable JSON on stdout.' },
  help: { type: 'boolean', description: 'Show help for this command.' },
};

export const exitCodes = { ok: 0, input: 1, usage: 2, cancelled: 130 } as const;

export function parseArgs(argv: readonly string[], command: CliCommand): ParsedArgs {
  const specs = { ...commonOptions, ...command.options };
  const options: ParsedArgs['options'] = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg.startsWith('-') && arg.length > 1 && !/^-\d/.test(arg))
        throw new TokenwiseError('usage', `Unknown option '${arg}' for '${command.name}' (see 'tokenwise ${command.name} --help').`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    // Own properties only: `--__proto__`, `--constructor`, `--toString` are not options.
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (!spec) throw new TokenwiseError('usage', `Unknown option '--${name}' for '${command.name}' (see 'tokenwise ${command.name} --help').`);
    if (spec.type === 'boolean') {
      if (eq !== -1) throw new TokenwiseError('usage', `Option '--${name}' takes no value.`);
      options[name] = true;
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || (eq === -1 && value.startsWith('--')))
      throw new TokenwiseError('usage', `Option '--${name}' needs a value.`);
    if (spec.type === 'number') {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) throw new TokenwiseError('usage', `Option '--${name}' needs a number, got '${value}'.`);
      if (spec.integer && !Number.isInteger(n)) throw new TokenwiseError('usage', `Option '--${name}' needs a whole number, got '${value}'.`);
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max))
        throw new TokenwiseError('usage', `Option '--${name}' must be ${spec.max === undefined ? `at least ${spec.min}` : spec.min === undefined ? `at most ${spec.max}` : `between ${spec.min} and ${spec.max}`}; got '${value}'.`);
      options[name] = n;
    } else {
      if (spec.choices && !spec.choices.includes(value))
        throw new TokenwiseError('usage', `Option '--${name}' must be one of ${spec.choices.join(', ')}; got '${value}'.`);
      options[name] = value;
    }
  }
  if (options.help) return { positionals, options };
  const required = command.positionals.filter((p) => p.required).length;
  if (positionals.length < required)
    throw new TokenwiseError('usage', `'${command.name}' needs <${command.positionals[positionals.length]!.name}> (see 'tokenwise ${command.name} --help').`);
  if (positionals.length > command.positionals.length && !command.positionals.at(-1)?.variadic)
    throw new TokenwiseError('usage', `Unexpected argument '${positionals[command.positionals.length]}' for '${command.name}'.`);
  return { positionals, options };
}

export function commandHelp(command: CliCommand): string {
  const pos = command.positionals.map((p) => (p.required ? `<${p.name}>` : `[${p.name}]`)).join(' ');
  const lines = [`Usage: tokenwise ${command.name}${pos ? ' ' + pos : ''} [options]`, '', command.summary, ''];
  if (command.positionals.length) {
    lines.push('Arguments:');
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(24)} ${p.description}`);
    lines.push('');
  }
  lines.push('Options:');
  for (const [name, spec] of Object.entries({ ...command.options, ...commonOptions })) {
    const value = spec.type === 'boolean' ? '' : ` <${spec.valueName ?? (spec.choices ? spec.choices.join('|') : spec.type)}>`;
    lines.push(`  ${('--' + name + value).padEnd(24)} ${spec.description}`);
  }
  if (command.details) lines.push('', command.details);
  return lines.join('\n') + '\n';
}

export function generalHelp(commands: readonly CliCommand[], version: string): string {
  const lines = [
    `tokenwise ${version} — token-aware tools for code (the Tokenwise VS Code extension, headless)`,
    '',
    'Usage: tokenwise <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`),
    '',
    "Run 'tokenwise <command> --help' for a command's options. Every command accepts --json.",
  ];
  return lines.join('\n') + '\n';
}

/**
 * Runs one CLI invocation and returns the process exit code. Errors become a single line on
 * stderr: `tokenwise: <message>`.
 */
export async function runCli(
  argv: readonly string[],
  commands: readonly CliCommand[],
  io: CliIO,
  version: string,
  signal: AbortSignal = new AbortController().signal,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = topic ? commands.find((c) => c.name === topic) : undefined;
    if (topic && !command) {
      io.stderr(`tokenwise: unknown command '${topic}'. Commands: ${commands.map((c) => c.name).join(', ')}.\n`);
      return exitCodes.usage;
    }
    io.stdout(command ? commandHelp(command) : generalHelp(commands, version));
    return name === undefined ? exitCodes.usage : exitCodes.ok;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(version + '\n');
    return exitCodes.ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`tokenwise: unknown command '${name}'. Commands: ${commands.map((c) => c.name).join(', ')}.\n`);
    return exitCodes.usage;
  }
  try {
    const args = parseArgs(rest, command);
    if (args.options.help) {
      io.stdout(commandHelp(command));
      return exitCodes.ok;
    }
    await command.run({ args, json: args.options.json === true, io, signal });
    return exitCodes.ok;
  } catch (error) {
    io.stderr(`tokenwise: ${describeError(error)}\n`);
    if (error instanceof TokenwiseError) {
      if (error.kind === 'usage') return exitCodes.usage;
      if (error.kind === 'cancelled') return exitCodes.cancelled;
    }
    return exitCodes.input;
  }
}
