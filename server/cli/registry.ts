/** Subcommands contributed by other parts of the product (simulator, servers, importer). */
import type { CliCommand } from './command';

export const extraCommands: CliCommand[] = [];
