/**
 * DRAM layout of `data` tensors and their initial bytes. Tensors go in declaration
 * order, each aligned to its element size, after the `image` (if any); `@ OFFSET`
 * places one explicitly.
 */
import type { VtaTarget } from '../isa';
import type { Range } from '../lang/ast';
import { MemType } from '../isa';
import type { DataMem, TensorPlacement } from '../program/program';
import type { AsmContext, GlobalData } from './context';
import { evaluate } from './evaluate';
import { SeededRandom } from './prng';

export interface MemInfo {
  memType: number;
  elemBytes: number;
  /** Bits per lane and lanes per element. */
  laneBits: number;
  lanes: number;
}

export function memInfo(t: VtaTarget, mem: DataMem): MemInfo {
  switch (mem) {
    case 'inp':
      return {
        memType: MemType.INP,
        elemBytes: t.elemBytes[MemType.INP]!,
        laneBits: t.inpBits,
        lanes: t.batch * t.blockIn,
      };
    case 'wgt':
      return {
        memType: MemType.WGT,
        elemBytes: t.elemBytes[MemType.WGT]!,
        laneBits: t.wgtBits,
        lanes: t.blockOut * t.blockIn,
      };
    case 'acc':
      return {
        memType: MemType.ACC,
        elemBytes: t.elemBytes[MemType.ACC]!,
        laneBits: t.accBits,
        lanes: t.batch * t.blockOut,
      };
    case 'acc8':
      return {
        memType: MemType.ACC_8BIT,
        elemBytes: t.elemBytes[MemType.ACC_8BIT]!,
        laneBits: 8,
        lanes: t.elemBytes[MemType.ACC_8BIT]!,
      };
    case 'out':
      return {
        memType: MemType.OUT,
        elemBytes: t.elemBytes[MemType.OUT]!,
        laneBits: t.outBits,
        lanes: t.batch * t.blockOut,
      };
    case 'uop':
      return { memType: MemType.UOP, elemBytes: 4, laneBits: 32, lanes: 1 };
  }
}

const MEMS = new Set(['inp', 'wgt', 'acc', 'acc8', 'out']);

export interface DataLayoutResult {
  tensors: TensorPlacement[];
  /** Image bytes so far (image file + tensors). */
  bytes: Uint8Array;
  end: number;
}

/** Growable byte buffer. */
export class ImageBuilder {
  bytes: Uint8Array;
  length: number;
  constructor(initial?: Uint8Array) {
    this.bytes = new Uint8Array(Math.max(1024, initial?.length ?? 0));
    if (initial) this.bytes.set(initial);
    this.length = initial?.length ?? 0;
  }
  ensure(end: number): void {
    if (end > this.bytes.length) {
      let n = this.bytes.length;
      while (n < end) n *= 2;
      const grown = new Uint8Array(n);
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    if (end > this.length) this.length = end;
  }
  result(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Largest image we build (guards against `data x : wgt[1e9]`). */
export const MAX_IMAGE_BYTES = 1 << 30;

export function layoutData(
  ctx: AsmContext,
  datas: GlobalData[],
  image: ImageBuilder,
  imageFileBytes: number,
): TensorPlacement[] {
  const t = ctx.target;
  const tensors: TensorPlacement[] = [];
  const base = new Map<string, number>();
  ctx.dataBase = base;
  let cursor = imageFileBytes;
  const placedRanges: Array<{ name: string; start: number; end: number; init: boolean; file: string; range: Range }> =
    [];
  for (const g of datas) {
    const s = g.stmt;
    const report = ctx.reporter(g.file);
    const memName = s.mem.name;
    if (!MEMS.has(memName)) {
      ctx.report(
        g.file,
        s.mem.range,
        'error',
        'vta.name.mem',
        `unknown memory type '${memName}': expected inp, wgt, acc, acc8 or out`,
      );
      continue;
    }
    const mem = memName as DataMem;
    if (mem === 'acc8' && t.keys.HW_VER !== '0.0.2') {
      ctx.report(
        g.file,
        s.mem.range,
        'error',
        'vta.name.mem',
        `acc8 (ACC_8BIT) does not exist in HW_VER ${t.keys.HW_VER}`,
      );
      continue;
    }
    const info = memInfo(t, mem);
    const count = evaluate(s.count, ctx.globalScope, report);
    if (count === undefined) continue;
    if (count < 0) {
      ctx.report(g.file, s.count.range, 'error', 'vta.range.data', `element count ${count} is negative`);
      continue;
    }
    let offset: number;
    if (s.at) {
      const at = evaluate(s.at, ctx.globalScope, report);
      if (at === undefined) continue;
      if (at < 0 || at % info.elemBytes !== 0) {
        ctx.report(
          g.file,
          s.at.range,
          'error',
          'vta.bounds.dram',
          `byte offset ${at} is not a non-negative multiple of the ${mem} element size (${info.elemBytes} B), so no dram_base can address it`,
        );
        continue;
      }
      offset = at;
    } else {
      offset = Math.ceil(cursor / info.elemBytes) * info.elemBytes;
    }
    const bytes = count * info.elemBytes;
    if (offset + bytes > MAX_IMAGE_BYTES) {
      ctx.report(
        g.file,
        s.range,
        'error',
        'vta.bounds.dram',
        `tensor '${s.name.name}' would end at byte ${offset + bytes}, beyond the ${MAX_IMAGE_BYTES} B limit of a DRAM image`,
      );
      continue;
    }
    if (offset / info.elemBytes > 0xffffffff) {
      ctx.report(
        g.file,
        s.range,
        'error',
        'vta.bounds.dram',
        `tensor '${s.name.name}' starts at element ${offset / info.elemBytes}, beyond the 32-bit dram_base field`,
      );
      continue;
    }
    const hasInit = s.init !== undefined || !s.at || offset + bytes > imageFileBytes;
    for (const p of placedRanges) {
      const overlap = offset < p.end && p.start < offset + bytes;
      if (overlap && (hasInit || p.init)) {
        ctx.report(
          g.file,
          s.name.range,
          'error',
          'vta.bounds.dram',
          `tensor '${s.name.name}' (bytes ${offset}..${offset + bytes - 1}) overlaps '${p.name}' (bytes ${p.start}..${p.end - 1})`,
          [{ file: p.file, range: p.range, message: `'${p.name}' is declared here` }],
        );
      }
    }
    if (s.at && offset < imageFileBytes && offset + bytes > imageFileBytes && !s.init) {
      ctx.report(
        g.file,
        s.range,
        'error',
        'vta.bounds.dram',
        `tensor '${s.name.name}' (bytes ${offset}..${offset + bytes - 1}) runs past the end of the image (${imageFileBytes} B)`,
      );
    }
    image.ensure(offset + bytes);
    if (s.init || offset >= imageFileBytes) writeInit(ctx, g, info, image.bytes, offset, count);
    placedRanges.push({
      name: s.name.name,
      start: offset,
      end: offset + bytes,
      init: hasInit,
      file: g.file,
      range: s.range,
    });
    base.set(s.name.name, offset / info.elemBytes);
    tensors.push({
      name: s.name.name,
      mem,
      count,
      byteOffset: offset,
      elemBytes: info.elemBytes,
      initialised: hasInit,
      source: { file: g.file, start: s.range.start, end: s.range.end },
    });
    cursor = Math.max(cursor, offset + bytes);
  }
  return tensors;
}

/** The bytes of `random(seed=N)` for `bytes` bytes of lanes of `laneBits` bits, at `offset`. */
export function writeRandom(out: Uint8Array, offset: number, bytes: number, laneBits: number, seed: number): void {
  // One draw per 32-bit lane; one per byte for lanes of 8 bits (or narrower, packed), which take its low bits.
  new SeededRandom(seed).fill(out, offset, offset + bytes, laneBits === 32 ? 4 : 1);
}

function writeInit(
  ctx: AsmContext,
  g: GlobalData,
  info: MemInfo,
  out: Uint8Array,
  offset: number,
  count: number,
): void {
  const init = g.stmt.init;
  const bytes = count * info.elemBytes;
  const report = ctx.reporter(g.file);
  if (!init || init.kind === 'zeros') {
    out.fill(0, offset, offset + bytes);
    return;
  }
  if (init.kind === 'random') {
    const seed = init.seed ? evaluate(init.seed, ctx.globalScope, report) : 0;
    if (seed === undefined) return;
    writeRandom(out, offset, bytes, info.laneBits, seed);
    return;
  }
  if (init.kind === 'file') {
    const path = ctx.host.resolve(g.file, init.path);
    const data = ctx.host.readBinary(path);
    if (!data) {
      ctx.report(g.file, init.pathRange, 'error', 'vta.name.file', `cannot read '${init.path}' (resolved to ${path})`);
      return;
    }
    if (data.length !== bytes) {
      ctx.report(
        g.file,
        init.pathRange,
        'error',
        'vta.range.data',
        `'${init.path}' has ${data.length} bytes; ${count} ${g.stmt.mem.name} elements need exactly ${bytes}`,
      );
      return;
    }
    out.set(data, offset);
    return;
  }
  // A list of lane values in row-major order; missing trailing lanes are zero.
  if (info.laneBits !== 8 && info.laneBits !== 32) {
    ctx.report(
      g.file,
      init.range,
      'error',
      'vta.range.data',
      `lane lists need 8- or 32-bit lanes; this target's ${g.stmt.mem.name} lanes are ${info.laneBits} bits`,
    );
    return;
  }
  const lanes = count * info.lanes;
  if (init.values.length > lanes) {
    ctx.report(
      g.file,
      init.range,
      'error',
      'vta.range.data',
      `${init.values.length} values for ${lanes} lanes (${count} elements × ${info.lanes})`,
    );
    return;
  }
  out.fill(0, offset, offset + bytes);
  const min = info.laneBits === 8 ? -128 : -(2 ** 31);
  const max = info.laneBits === 8 ? 127 : 2 ** 31 - 1;
  init.values.forEach((e, i) => {
    const v = evaluate(e, ctx.globalScope, report);
    if (v === undefined) return;
    if (v < min || v > max) {
      ctx.report(
        g.file,
        e.range,
        'error',
        'vta.range.data',
        `lane value ${v} does not fit int${info.laneBits} [${min}, ${max}]`,
      );
      return;
    }
    if (info.laneBits === 8) out[offset + i] = v & 0xff;
    else {
      const p = offset + 4 * i;
      out[p] = v & 0xff;
      out[p + 1] = (v >>> 8) & 0xff;
      out[p + 2] = (v >>> 16) & 0xff;
      out[p + 3] = (v >>> 24) & 0xff;
    }
  });
}
