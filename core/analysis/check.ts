/**
 * One entry point for "everything we can say about a program before it runs":
 * assembly diagnostics plus every analysis over the assembled stream. The CLI's
 * `vta check`, the language server's checks worker, the lowered layers of a schedule
 * and the tests all call `checkProgram`; the tiers and the rule that stops them are
 * stated here and nowhere else.
 */
import { firstTierChecks } from './first-tier';
import { tokenChecks } from './tokens';
import type { Diagnostic } from '../lang/diagnostic';
import { sortDiagnostics } from '../lang/diagnostic';
import type { Program } from '../program/program';

/** A check over the whole assembled program. */
export type ProgramCheck = (program: Program, file: string) => Diagnostic[];

/**
 * The checks by tier, cheapest first (as Langium registers validations as fast or
 * slow). A new check goes into one of these lists, so every front end runs it.
 */
export const CHECK_TIERS: { readonly first: readonly ProgramCheck[]; readonly whole: readonly ProgramCheck[] } = {
  /** Bounds, uninitialised reads, fidelity, FINISH: in proportion to the program, run while the user types. */
  first: [(program, file) => firstTierChecks(program, { file })],
  /** Whole-program analyses (tokens: balance, deadlock, queue depth, hazards): run after a pause in typing. */
  whole: [tokenChecks],
};

/** How far a run goes: the first tier only, or every tier. */
export type CheckTier = 'first' | 'all';

/**
 * The one stop rule of the tiers: a program with syntax or name errors gets no
 * further checks (they would only report follow-on findings); neither does a stream
 * whose expansion stopped at the instruction limit (it lacks its end).
 */
export function blocksChecks(assemblyDiagnostics: readonly Diagnostic[]): boolean {
  return assemblyDiagnostics.some(
    (d) =>
      d.severity === 'error' &&
      (d.code.startsWith('vta.syntax') || d.code.startsWith('vta.name') || d.code === 'vta.bounds.stream'),
  );
}

/**
 * The assembly's diagnostics and the findings of the checks of `tier` (default
 * `'all'`), sorted. Findings are plain data (ranges of plain numbers, no getters), so
 * they cross a thread or a process as they are.
 */
export function checkProgram(
  program: Program,
  file: string,
  assemblyDiagnostics: Diagnostic[] = [],
  opts: { tier?: CheckTier } = {},
): Diagnostic[] {
  let out = assemblyDiagnostics.slice();
  if (!blocksChecks(assemblyDiagnostics)) {
    const checks = opts.tier === 'first' ? CHECK_TIERS.first : [...CHECK_TIERS.first, ...CHECK_TIERS.whole];
    // (concat, not push(...): a spread of a few hundred thousand findings overflows the stack.)
    for (const c of checks) out = out.concat(c(program, file));
  }
  return sortDiagnostics(out);
}

/**
 * What the front ends call after assembling: `checkProgram` over the program, or the
 * assembly's diagnostics alone when it built none.
 */
export function checkAssembled(
  r: { program?: Program; diagnostics: Diagnostic[] },
  file: string,
  opts: { tier?: CheckTier } = {},
): Diagnostic[] {
  return r.program ? checkProgram(r.program, file, r.diagnostics, opts) : r.diagnostics;
}
