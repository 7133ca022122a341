/** The VTA debug adapter: the session class for inline use, and the stdio runner. */
export { VtaDebugSession } from './session';
export type { VtaLaunchRequestArguments } from './session';
export { runDebugAdapterStdio } from './stdio';
export { DebugEngine } from './engine';
export type { VtaLaunchArgs } from './loader';
