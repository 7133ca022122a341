/** Subcommands beyond the core three (simulator, servers, importer), one file each. */
import type { CliCommand } from './command';
import { simCommand } from './commands/sim';

export const extraCommands: CliCommand[] = [simCommand];
