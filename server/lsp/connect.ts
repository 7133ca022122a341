/**
 * Starting the server on a transport: `--stdio` (editors in general, `vta lsp --stdio`)
 * or `--node-ipc` (VS Code's default for a Node server module). Without a flag,
 * vscode-languageserver's own detection (`--socket=N`, `--pipe=NAME`) applies.
 */
import {
  createConnection,
  IPCMessageReader,
  IPCMessageWriter,
  ProposedFeatures,
  type Connection,
} from 'vscode-languageserver/node';
import { startLanguageServer } from './server';

export function connectionFor(args: string[]): Connection {
  if (args.includes('--stdio')) return createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  if (args.includes('--node-ipc'))
    return createConnection(ProposedFeatures.all, new IPCMessageReader(process), new IPCMessageWriter(process));
  return createConnection(ProposedFeatures.all);
}

/** Runs until the client sends `exit` (the library then ends the process). */
export function runLanguageServer(args: string[]): Promise<number> {
  const connection = connectionFor(args);
  startLanguageServer(connection);
  return new Promise<number>((resolve) => {
    connection.onExit(() => resolve(0));
  });
}
