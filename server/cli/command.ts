/** The shape of one `vta` subcommand. Each lives in its own file under commands/. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Directory that relative paths are resolved against. */
  cwd: string;
}

export interface CliCommand {
  name: string;
  /** One line for `vta --help`. */
  summary: string;
  /** Full `vta NAME --help` text. */
  help: string;
  /** Returns the process exit status. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** A user error: printed as `vta NAME: message` with exit status 2, no stack. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--format text|json`, checked. */
export function formatOption(value: string | undefined): 'text' | 'json' {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new UsageError(`--format must be text or json, not ${value}`);
}

/** An option that must be a positive integer (`--max-instructions N`), checked. */
export function positiveIntOption(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, not ${value}`);
  return n;
}
