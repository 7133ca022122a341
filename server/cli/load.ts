/**
 * Turning CLI inputs into Programs: a `.vta` file, or `--insn`/`--dram` binaries,
 * and `--target NAME|FILE`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { assembleText, decodeStream, programFromStream, type AssembleResult } from '../../core/asm';
import type { Diagnostic } from '../../core/lang/diagnostic';
import type { VtaTarget } from '../../core/isa';
import { readTargetSetting } from '../../core/asm/target-spec';
import type { Program } from '../../core/program/program';
import { parseSchedule, type SchedFile } from '../../core/schedule';
import { lintSchedule, schedDiagnosticIn, type ScheduleLint } from '../../core/schedule';
import { nodeHost } from '../node-host';
import { UsageError } from './command';

export function resolveTargetOption(value: string | undefined, cwd: string): VtaTarget | undefined {
  if (value === undefined) return undefined;
  const r = readTargetSetting(value, nodeHost, cwd);
  if ('problem' in r) throw new UsageError(r.problem === 'config' ? r.message : `--target ${r.message}`);
  return r.target;
}

export function readInput(path: string, cwd: string): { abs: string; bytes: Uint8Array } {
  const abs = resolve(cwd, path);
  try {
    return { abs, bytes: new Uint8Array(readFileSync(abs)) };
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export interface LoadedInput {
  program?: Program;
  diagnostics: Diagnostic[];
  /** The file name diagnostics should carry. */
  file: string;
  assembled?: AssembleResult;
}

/** `maxInstructions`: how far loops may expand (the assembler's MAX_EXPANDED_INSTRUCTIONS unless given). */
export function assembleFile(path: string, cwd: string, target?: VtaTarget, maxInstructions?: number): LoadedInput {
  const { abs, bytes } = readInput(path, cwd);
  const text = new TextDecoder().decode(bytes);
  const r = assembleText(text, {
    file: path,
    host: { ...nodeHost, resolve: (from, rel) => nodeHost.resolve(from === path ? abs : from, rel) },
    target,
    maxInstructions,
  });
  return { program: r.program, diagnostics: r.diagnostics, file: path, assembled: r };
}

export interface LoadedSchedule {
  ast: SchedFile;
  lint: ScheduleLint;
  /** The lint's findings, with `path` as their file. */
  diagnostics: Diagnostic[];
}

/** Parses and lints a `.vtasched` file; a target file is read relative to it. */
export function loadSchedule(path: string, cwd: string, target?: VtaTarget): LoadedSchedule {
  const { abs, bytes } = readInput(path, cwd);
  const ast = parseSchedule(new TextDecoder().decode(bytes));
  const host = {
    ...nodeHost,
    resolve: (from: string, rel: string) => nodeHost.resolve(from === path ? abs : from, rel),
  };
  const lint = lintSchedule(ast, { target, host, file: path });
  return { ast, lint, diagnostics: lint.diagnostics.map((d) => schedDiagnosticIn(path, d)) };
}

export function loadBinaries(
  insnPath: string,
  dramPath: string | undefined,
  cwd: string,
  target: VtaTarget,
): LoadedInput {
  const insn = readInput(insnPath, cwd);
  const dram = dramPath ? readInput(dramPath, cwd).bytes : undefined;
  const s = decodeStream(target, insn.bytes, insnPath);
  return { program: programFromStream(target, s.insns, dram), diagnostics: s.diagnostics, file: insnPath };
}
