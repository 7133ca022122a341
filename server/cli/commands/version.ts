/** `vta version` (and `vta --version`): the package's version, read at build time. */
import { version } from '../../../package.json';
import type { CliCommand } from '../command';
import { UsageError } from '../command';

export const VERSION: string = version;

export const versionCommand: CliCommand = {
  name: 'version',
  summary: 'print the version of vta (also vta --version)',
  help: 'usage: vta version\n       vta --version\n\nPrints `vta VERSION`, the version of the VTA Studio package this command comes from.',
  async run(args, io) {
    if (args.length) throw new UsageError(`unexpected argument ${args[0]}`);
    io.stdout(`vta ${VERSION}\n`);
    return 0;
  },
};
