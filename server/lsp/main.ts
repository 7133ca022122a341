/** Entry point of the bundled language server (dist/server/lsp.js): `node lsp.js --stdio|--node-ipc`. */
import { runLanguageServer } from './connect';

void runLanguageServer(process.argv.slice(2));
