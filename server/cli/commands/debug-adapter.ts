/** `vta debug-adapter`: the VTA debug adapter (DAP) over stdin/stdout. */
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { runDebugAdapterStdio } from '../../dap/stdio';

const HELP = `usage: vta debug-adapter

Speaks the Debug Adapter Protocol on stdin/stdout (debug type "vta"): launch a .vta
file, an instruction binary with its DRAM image, or a TVM dump; threads are the load,
compute and store modules; line, conditional, hit-count, log and data breakpoints;
stepping forward and back; variables, memory and disassembly. Editors start it
themselves; nothing else is printed on stdout.`;

export const debugAdapterCommand: CliCommand = {
  name: 'debug-adapter',
  summary: 'run the VTA debug adapter (DAP) on stdin/stdout',
  help: HELP,
  async run(args) {
    if (args.length) throw new UsageError(`unexpected argument ${args[0]}`);
    return runDebugAdapterStdio();
  },
};
