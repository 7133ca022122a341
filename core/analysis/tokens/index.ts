export { tokenChecks, insnName } from './check';
export type { TokenCheckOptions } from './check';
export { runTokens, happensBefore } from './execute';
export type { TokenRun, ModuleState } from './execute';
