/**
 * The `vta` command line: the same work as the extension, in a terminal or CI.
 * Each subcommand lives in commands/; this file only dispatches.
 */
import type { CliCommand, CliIO } from './command';
import { UsageError } from './command';
import { asmCommand } from './commands/asm';
import { checkCommand } from './commands/check';
import { disasmCommand } from './commands/disasm';
import { extraCommands } from './registry';

const commands: CliCommand[] = [checkCommand, asmCommand, disasmCommand, ...extraCommands];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: vta COMMAND [options]   (vta COMMAND --help for details)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr(`vta: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(cmd.help + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`vta ${name}: ${(e as Error).message}\n`);
      return 2;
    }
    io.stderr(`vta ${name}: internal error: ${(e as Error).stack ?? e}\n`);
    return 3;
  }
}

const io: CliIO = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
};

main(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
});
