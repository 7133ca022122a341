import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { runLanguageServer } from '../../lsp/connect';

const HELP = `usage: vta lsp --stdio | --node-ipc

Runs the VTA language server (.vta and .vtasched): diagnostics, hover, completion,
navigation, rename, symbols, folding, semantic tokens, inlay hints, code actions,
formatting, links and code lenses. --stdio speaks LSP on stdin/stdout (any editor);
--node-ipc is VS Code's transport for a server started as a Node module.`;

export const lspCommand: CliCommand = {
  name: 'lsp',
  summary: 'run the language server (--stdio or --node-ipc)',
  help: HELP,
  async run(args) {
    if (
      !args.includes('--stdio') &&
      !args.includes('--node-ipc') &&
      !args.some((a) => a.startsWith('--socket') || a.startsWith('--pipe'))
    ) {
      throw new UsageError('give a transport: --stdio or --node-ipc');
    }
    return runLanguageServer(args);
  },
};
