/** Subcommands beyond the core three (simulator, servers, importer), one file each. */
import type { CliCommand } from './command';
import { debugAdapterCommand } from './commands/debug-adapter';
import { decodeCommand } from './commands/decode';
import { estimateCommand } from './commands/estimate';
import { exploreCommand } from './commands/explore';
import { importDumpCommand } from './commands/import-dump';
import { importAutotvmCommand } from './commands/import-autotvm';
import { exportAutotvmCommand } from './commands/export-autotvm';
import { lowerCommand } from './commands/lower';
import { lspCommand } from './commands/lsp';
import { simCommand } from './commands/sim';
import { tuneCommand } from './commands/tune';

export const extraCommands: CliCommand[] = [
  importDumpCommand,
  decodeCommand,
  importAutotvmCommand,
  exportAutotvmCommand,
  lowerCommand,
  estimateCommand,
  tuneCommand,
  exploreCommand,
  simCommand,
  lspCommand,
  debugAdapterCommand,
];
