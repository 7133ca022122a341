/**
 * Micro-kernels: expanding a kernel with its arguments into micro-ops, checking the
 * runtime's accumulator distance rule, and tracking which kernel occupies which UOP
 * rows so that `gemm K` resolves to the rows the latest `load uop K` filled.
 */
import type { Range } from '../lang/ast';
import type { KernelItem } from '../lang/ast';
import type { Uop } from '../isa';
import { uopLayoutFor } from '../isa';
import type { AsmContext, GlobalKernel } from './context';
import { LocalScope } from './context';
import type { Scope } from './evaluate';
import { evaluate } from './evaluate';

export interface KernelUop extends Uop {
  range: Range;
}

export interface KernelInstance {
  /** `name` or `name(1, 16)`. */
  key: string;
  kernel: GlobalKernel;
  uops: KernelUop[];
  /** Byte offset in the DRAM image, once placed. */
  byteOffset?: number;
}

/** The distance (in micro-ops) within which a destination may not repeat (runtime VerifyDep). */
export const UOP_RAW_DISTANCE = 2;

export function instanceKey(name: string, args: number[]): string {
  return args.length ? `${name}(${args.join(', ')})` : name;
}

export function expandKernel(ctx: AsmContext, kernel: GlobalKernel, args: number[]): KernelUop[] | undefined {
  const stmt = kernel.stmt;
  const scope = new LocalScope(ctx.globalScope);
  stmt.params.forEach((p, i) => scope.set(p.name, args[i]!));
  const uops: KernelUop[] = [];
  const report = ctx.reporter(kernel.file);
  const layout = uopLayoutFor(ctx.target);
  // A kernel larger than the UOP buffer can never be loaded: expansion stops there, so
  // that its work is bounded by the buffer, not by the loop counts a typo can write.
  const max = ctx.target.uop.depth;
  const tooLarge = `more than the ${max} micro-ops the UOP buffer holds`;
  let failed = false;
  const walk = (items: KernelItem[], sc: Scope): void => {
    for (const item of items) {
      if (failed) return;
      if (item.kind === 'uop') {
        const vals: Record<string, number> = { wgt: 0 };
        const seen = new Set<string>();
        for (const op of item.operands) {
          const key = op.key.name;
          if (key !== 'dst' && key !== 'src' && key !== 'wgt') {
            ctx.report(
              kernel.file,
              op.key.range,
              'error',
              'vta.name.operand',
              `'${key}' is not a micro-op operand: expected dst, src or wgt`,
            );
            continue;
          }
          if (seen.has(key))
            ctx.report(kernel.file, op.key.range, 'error', 'vta.name.duplicate', `operand '${key}' is given twice`);
          seen.add(key);
          const v = evaluate(op.values[0]!, sc, report);
          if (v === undefined) continue;
          const width = key === 'dst' ? layout.dst.width : key === 'src' ? layout.src.width : layout.wgt.width;
          if (v < 0 || v >= 2 ** width) {
            ctx.report(
              kernel.file,
              op.values[0]!.range,
              'error',
              'vta.range.uop',
              `${key} = ${v} does not fit the ${width}-bit ${key}_idx field [0, ${2 ** width - 1}]`,
            );
            continue;
          }
          vals[key] = v;
        }
        for (const need of ['dst', 'src']) {
          if (!seen.has(need))
            ctx.report(kernel.file, item.range, 'error', 'vta.name.missing', `micro-op needs '${need}='`);
        }
        uops.push({ dst: vals.dst ?? 0, src: vals.src ?? 0, wgt: vals.wgt ?? 0, range: item.range });
        if (uops.length > max) {
          ctx.report(
            kernel.file,
            stmt.name.range,
            'error',
            'vta.kernel.size',
            `kernel '${stmt.name.name}' expands to ${tooLarge}`,
          );
          failed = true;
        }
      } else if (item.kind === 'for') {
        const from = evaluate(item.from, sc, report);
        const to = evaluate(item.to, sc, report);
        if (from === undefined || to === undefined) continue;
        if (to - from > max) {
          ctx.report(
            kernel.file,
            item.headerRange,
            'error',
            'vta.kernel.size',
            `loop runs ${to - from} times: its kernel would have ${tooLarge}`,
          );
          failed = true;
          return;
        }
        const inner = new LocalScope(sc);
        for (let i = from; i < to && !failed; i++) {
          inner.set(item.variable.name, i);
          walk(item.body, inner);
        }
      } else {
        const c = evaluate(item.cond, sc, report);
        if (c === undefined) continue;
        if (c !== 0) walk(item.then, sc);
        else if (item.else) walk(item.else, sc);
      }
    }
  };
  walk(stmt.body, scope);
  return failed ? undefined : uops;
}

/**
 * The runtime refuses a kernel in which a micro-op writes the ACC row that one of
 * the previous two wrote (pipelined hardware has no bypass for it).
 */
export function checkRawDistance(ctx: AsmContext, inst: KernelInstance): void {
  const u = inst.uops;
  for (let i = 1; i < u.length; i++) {
    for (let d = 1; d <= UOP_RAW_DISTANCE && i - d >= 0; d++) {
      if (u[i]!.dst === u[i - d]!.dst) {
        ctx.report(
          inst.kernel.file,
          u[i]!.range,
          'warning',
          'vta.uop.distance',
          `micro-op ${i} of kernel ${inst.key} writes acc[${u[i]!.dst}], which micro-op ${i - d} wrote ${d} micro-op${d > 1 ? 's' : ''} before; VTA's runtime refuses such kernels (put the reduction in the instruction's loops instead)`,
          [{ file: inst.kernel.file, range: u[i - d]!.range, message: `micro-op ${i - d} writes acc[${u[i]!.dst}]` }],
        );
        break;
      }
    }
  }
}

/** One `load uop` as the residency tracker remembers it. */
export interface UopLoadRecord {
  key?: string;
  sram: number;
  count: number;
  serial: number;
  file: string;
  range: Range;
}

/** Which load last wrote each UOP row. */
export class UopResidency {
  private readonly owner: Int32Array;
  private readonly loads: UopLoadRecord[] = [];
  private readonly latestByKey = new Map<string, UopLoadRecord>();
  /** Where the next `load uop K` without `sram=` goes. */
  next = 0;

  constructor(readonly depth: number) {
    this.owner = new Int32Array(depth).fill(-1);
  }

  load(key: string | undefined, sram: number, count: number, file: string, range: Range): UopLoadRecord {
    const rec: UopLoadRecord = { key, sram, count, serial: this.loads.length, file, range };
    this.loads.push(rec);
    const end = Math.min(this.depth, sram + count);
    for (let r = Math.max(0, sram); r < end; r++) this.owner[r] = rec.serial;
    if (key !== undefined) this.latestByKey.set(key, rec);
    this.next = sram + count;
    return rec;
  }

  latest(key: string): UopLoadRecord | undefined {
    return this.latestByKey.get(key);
  }

  /** The load that last wrote UOP row `row`, if any. */
  ownerOf(row: number): UopLoadRecord | undefined {
    const serial = row >= 0 && row < this.depth ? this.owner[row]! : -1;
    return serial >= 0 ? this.loads[serial] : undefined;
  }

  /** The load that overwrote part of `rec`, if any. */
  overwrittenBy(rec: UopLoadRecord): UopLoadRecord | undefined {
    const end = Math.min(this.depth, rec.sram + rec.count);
    for (let r = rec.sram; r < end; r++) {
      if (this.owner[r] !== rec.serial) return this.loads[this.owner[r]!];
    }
    return undefined;
  }
}
