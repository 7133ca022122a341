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

export function checkProgram(program: Program, file: string, assemblyDiagnostics: Diagnostic[] = []): Diagnostic[] {
  let out = assemblyDiagnostics.slice();
  // A program that did not assemble cleanly would only produce follow-on findings.
  // (concat, not push(...): a spread of a few hundred thousand findings overflows the stack.)
  // So would a stream whose expansion stopped at the instruction limit (it lacks its end).
  if (!assemblyDiagnostics.some((d) => d.severity === 'error' && (d.code.startsWith('vta.syntax') || d.code.startsWith('vta.name') || d.code === 'vta.bounds.stream'))) {
    out = out.concat(firstTierChecks(program, { file }));
    for (const c of programChecks) out = out.concat(c(program, file));
  }
  return sortDiagnostics(out);
}
