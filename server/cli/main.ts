/**
 * The `vta` command line: the same work as the extension, in a terminal or CI.
 * Each subcommand lives in commands/; this file only dispatches.
 */
import type { CliCommand, CliIO } from './command';
import { UsageError } from './command';
import { asmCommand } from './commands/asm';
import { checkCommand } from './commands/check';
import { disasmCommand } from './commands/disasm';
import { versionCommand } from './commands/version';
import { extraCommands } from './registry';
import { topHelp } from './usage';

const commands: CliCommand[] = [checkCommand, asmCommand, disasmCommand, ...extraCommands, versionCommand];

const usage = () => topHelp(commands);

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(usage());
    return name ? 0 : 2;
  }
  const cmd = name === '--version' || name === '-V' ? versionCommand : commands.find((c) => c.name === name);
  if (!cmd) {
    io.stderr(`vta: unknown command '${name}' (vta --help lists the commands)\n`);
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
