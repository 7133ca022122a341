/** The debug adapter over stdio, as VS Code's `DebugAdapterExecutable` runs it (dist/server/dap.js). */
import { runDebugAdapterStdio } from './stdio';

runDebugAdapterStdio();
