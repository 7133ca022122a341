// The token and hazard analysis as the rest of the code uses it: the checks (balance,
// deadlock, FINISH ordering, queue depth, RAW/WAR/WAW hazards), and the abstract
// execution with its happens-before relation for whoever needs the order itself.
export { tokenChecks, insnName } from './check';
export type { TokenCheckOptions } from './check';
export { runTokens, happensBefore } from './execute';
export type { TokenRun, ModuleState } from './execute';
