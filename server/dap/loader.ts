/**
 * Launch inputs → a Program the debugger can run: a `.vta` file, an instruction
 * binary with its DRAM image, or a TVM debug dump. For inputs without source text
 * (binaries) every instruction gets a line in a generated disassembly listing, so
 * that frames, breakpoints and the disassembly view still have lines to point at.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { assembleText, decodeStream, programFromStream } from '../../core/asm';
import { parseTvmDump } from '../../core/asm/dump/parse-dump';
import type { Diagnostic } from '../../core/lang/diagnostic';
import { formatDiagnostic, hasErrors } from '../../core/lang/diagnostic';
import type { Insn, VtaTarget } from '../../core/isa';
import { MemType, Opcode, defaultTarget } from '../../core/isa';
import { readTargetSetting } from '../../core/asm/target-spec';
import type { Program } from '../../core/program/program';
import { nodeHost } from '../node-host';
import { insnText } from './format';

export interface VtaLaunchArgs {
  /** A `.vta` file, an instruction binary (`*.bin`, with `dram`), or a TVM dump (`*.log`/`*.txt`). */
  program?: string;
  /** An instruction binary (instead of `program`). */
  insn?: string;
  /** A TVM debug log (instead of `program`). */
  dump?: string;
  /** DRAM image for an instruction binary. */
  dram?: string;
  /** How to read `program` (default: by extension). */
  format?: 'vta' | 'binary' | 'dump';
  /** Shipped target name or a vta_config.json path. */
  target?: string;
  stopOnEntry?: boolean;
  /** functional: fsim semantics, time counts instructions; timing: cycle estimate, no data; both (default): cycles and data. */
  mode?: 'functional' | 'timing' | 'both';
  /** Functional mode: seed for a random interleaving (default: program order). */
  seed?: number;
  cwd?: string;
}

export interface LoadedProgram {
  program: Program;
  /** The file the source ranges point at (absolute). */
  file: string;
  /** For inputs without text: the generated listing (one line per instruction). */
  listing?: string;
  diagnostics: Diagnostic[];
  kind: 'vta' | 'binary' | 'dump';
}

export class LaunchError extends Error {}

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new LaunchError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

export function resolveTarget(value: string | undefined, cwd: string): VtaTarget | undefined {
  if (value === undefined) return undefined;
  const r = readTargetSetting(value, nodeHost, cwd);
  if ('problem' in r) throw new LaunchError(r.problem === 'config' ? r.message : `target ${r.message}`);
  return r.target;
}

function formatOf(args: VtaLaunchArgs & { program: string }): 'vta' | 'binary' | 'dump' {
  if (args.format) return args.format;
  const p = args.program.toLowerCase();
  if (p.endsWith('.vta')) return 'vta';
  if (p.endsWith('.log') || p.endsWith('.txt') || p.endsWith('.dump')) return 'dump';
  return 'binary';
}

/** Gives every instruction a line of `listing` (line = index) in file `file`. */
function attachListing(program: Program, file: string, lines?: number[]): string {
  const text = program.insns.map((pi, i) => `${String(i).padStart(6)}  ${insnText(pi.insn)}`).join('\n') + '\n';
  program.insns.forEach((pi, i) => {
    const line = lines?.[i] ?? i;
    pi.source = { file, start: { line, character: 0 }, end: { line, character: 0 } };
  });
  return text;
}

/** A zero image large enough for every LOAD/STORE of a stream that came without one. */
function zeroImageFor(t: VtaTarget, insns: readonly Insn[]): Uint8Array {
  let end = 0;
  for (const insn of insns) {
    if (insn.opcode !== Opcode.LOAD && insn.opcode !== Opcode.STORE) continue;
    if (insn.x_size === 0 || insn.y_size === 0) continue;
    const elem = t.elemBytes[insn.opcode === Opcode.STORE ? MemType.OUT : insn.memory_type] ?? 0;
    const last = (insn.dram_base + (insn.y_size - 1) * insn.x_stride + insn.x_size) * elem;
    end = Math.max(end, last);
  }
  return new Uint8Array(Math.min(end, 1 << 28));
}

export function loadProgram(launch: VtaLaunchArgs): LoadedProgram {
  const given = [launch.program, launch.insn, launch.dump].filter((x) => typeof x === 'string' && x !== '');
  if (given.length !== 1)
    throw new LaunchError(
      'launch: give one of "program" (a .vta file, an instruction binary or a TVM dump), "insn" (with "dram") or "dump"',
    );
  const args = {
    ...launch,
    program: given[0]!,
    format: launch.insn ? ('binary' as const) : launch.dump ? ('dump' as const) : launch.format,
  };
  const cwd = args.cwd ?? process.cwd();
  const abs = resolve(cwd, args.program);
  const target = resolveTarget(args.target, cwd);
  const kind = formatOf(args);
  if (kind === 'vta') {
    const text = new TextDecoder().decode(readBytes(abs));
    const r = assembleText(text, { file: abs, host: nodeHost, target });
    if (!r.program || hasErrors(r.diagnostics)) {
      const errs = r.diagnostics
        .filter((d) => d.severity === 'error')
        .slice(0, 10)
        .map(formatDiagnostic)
        .join('\n');
      throw new LaunchError(`${args.program} does not assemble:\n${errs}`);
    }
    return { program: r.program, file: abs, diagnostics: r.diagnostics, kind };
  }
  const t = target ?? defaultTarget();
  if (kind === 'binary') {
    const s = decodeStream(t, readBytes(abs), abs);
    const dram = args.dram ? readBytes(resolve(cwd, args.dram)) : zeroImageFor(t, s.insns);
    const program = programFromStream(t, s.insns, dram);
    const listing = attachListing(program, abs + '.disasm');
    return { program, file: abs + '.disasm', listing, diagnostics: s.diagnostics, kind };
  }
  // A TVM dump: the instructions carry the dump's lines; there is no data (a zero image).
  const text = new TextDecoder().decode(readBytes(abs));
  const d = parseTvmDump(text);
  if (d.instructions.length === 0) throw new LaunchError(`${args.program}: no instruction dump found`);
  const insns = d.instructions.map((x) => x.insn);
  const program = programFromStream(t, insns, args.dram ? readBytes(resolve(cwd, args.dram)) : zeroImageFor(t, insns));
  program.insns.forEach((pi, i) => {
    const line = d.instructions[i]!.line;
    pi.source = { file: abs, start: { line, character: 0 }, end: { line, character: 0 } };
  });
  return { program, file: abs, diagnostics: [], kind: 'dump' };
}
