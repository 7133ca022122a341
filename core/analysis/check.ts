/**
 * One entry point for "everything we can say about a program before it runs":
 * assembly diagnostics plus every analysis over the assembled stream. The CLI's
 * `vta check`, the language server and the tests all call this.
 */
import { firstTierChecks } from './first-tier';
import { tokenChecks } from './tokens';
import type { Diagnostic } from '../lang/diagnostic';
import { sortDiagnostics } from '../lang/diagnostic';
import type { Program } from '../program/program';

/** Analyses over the whole assembled program, after the first-tier checks. */
type ProgramCheck = (program: Program, file: string) => Diagnostic[];
const programChecks: ProgramCheck[] = [tokenChecks];

/**
 * The rule of the tiers, in one place: a program with syntax or name errors gets no
 * further checks (they would only report follow-on findings); neither does a stream
 * whose expansion stopped at the instruction limit (it lacks its end).
 */
export function blocksChecks(assemblyDiagnostics: readonly Diagnostic[]): boolean {
  return assemblyDiagnostics.some((d) => d.severity === 'error' && (d.code.startsWith('vta.syntax') || d.code.startsWith('vta.name') || d.code === 'vta.bounds.stream'));
}

/**
 * `tier: 'first'` stops after the first-tier checks (bounds, uninitialised reads,
 * fidelity, FINISH): what an editor shows while the user types; `'all'` (the default)
 * adds the whole-program analyses.
 */
export function checkProgram(program: Program, file: string, assemblyDiagnostics: Diagnostic[] = [], opts: { tier?: 'first' | 'all' } = {}): Diagnostic[] {
  let out = assemblyDiagnostics.slice();
  // (concat, not push(...): a spread of a few hundred thousand findings overflows the stack.)
  if (!blocksChecks(assemblyDiagnostics)) {
    out = out.concat(firstTierChecks(program, { file }));
    if (opts.tier !== 'first') for (const c of programChecks) out = out.concat(c(program, file));
  }
  return sortDiagnostics(out);
}
