/**
 * What one layer's schedule asks of the hardware: how it tiles, what one tile keeps in
 * each on-chip buffer, and the instruction fields the lowering will have to encode.
 *
 * The model is TVM's VTA conv2d schedule: output tiles of b x co x h x w, each
 * accumulating over input-channel tiles of ci; a tile's input window carries the
 * convolution halo ((h-1)*stride + KH rows); virtual threads ("cthread") give every
 * thread its own copy of every buffer. The micro-op count is that of the lowering
 * (lower-layer.ts, docs/reference/schedules.md): one GEMM micro-op per batch block, input-channel
 * block, kernel position and output column, with the hardware loops running over
 * output-channel blocks and output rows, plus one row kernel (reset and epilogue).
 */
import { ALU_OP_NAMES, aluOpsFor, layoutsFor, type FieldName, type InsnKind } from '../isa/fields';
import type { VtaTarget } from '../isa/config';
import type { Range } from '../lang/ast';
import type { SchedFix } from './keys';
import type { Layer, LayerReport } from './layer';

export interface BufferUse {
  buffer: 'INP' | 'WGT' | 'ACC' | 'UOP';
  /** Rows (entries for UOP) of one tile of one thread. */
  perTile: number;
  /** perTile x virtual threads. */
  total: number;
  depth: number;
}

export interface LayerFigures {
  layer: Layer;
  /** Output tiles (groups x batch x co x rows x columns) and input-channel steps per tile. */
  tiles: { b: number; co: number; h: number; w: number; ci: number; groups: number; output: number };
  /** Input window of one tile, padding included. */
  window: { h: number; w: number };
  buffers: BufferUse[];
  /** Bytes moved between DRAM and the chip over the whole layer (input padding is not read). */
  traffic: { input: number; weight: number; output: number };
  /** GEMM micro-op iterations over the layer: at one per cycle, a lower bound on cycles. */
  gemmIterations: number;
}

const count = (n: number) => n.toLocaleString('en-US');

/** 2nd, 3rd, 4th, 11th, 21st… */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix =
    tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}

/** `a` divided by `b` when it divides, else undefined. */
const exactly = (a: number, b: number) => (a % b === 0 ? a / b : undefined);

/**
 * The smallest divisors of `n`, as suggestions. Pairs up to the square root, so a
 * number in the millions costs a thousand steps; past 2^40 there are no suggestions
 * rather than a long search.
 */
export function divisors(n: number, limit = 8): number[] {
  if (!Number.isSafeInteger(n) || n < 1 || n > 2 ** 40) return [];
  const low: number[] = [];
  const high: number[] = [];
  for (let d = 1; d * d <= n; d++) {
    if (n % d !== 0) continue;
    low.push(d);
    if (d * d !== n) high.push(n / d);
  }
  return [...low, ...high.reverse()].slice(0, limit);
}

/** Tile sizes in whole blocks of `block` that divide `total` elements, as suggestions. */
export function wholeBlockDivisors(total: number, block: number, limit = 8): number[] {
  return total % block === 0 ? divisors(total / block, limit).map((d) => d * block) : [];
}

/**
 * Checks that the layer's shapes are whole VTA blocks and its knobs divide what they
 * tile; when they do, returns the layer's figures and checks footprints and fields.
 */
export function layerFigures(l: Layer, t: VtaTarget, report: LayerReport, warn: LayerReport): LayerFigures | undefined {
  let ok = true;
  const perGroupIn = l.inChannels / l.groups;
  const perGroupOut = l.outChannels / l.groups;
  const shapeAt = l.where.input!;
  const filterAt = l.where.filter ?? l.where.weight!;
  const needBlocks = (value: number, block: number, what: string, blockName: string, at: Range) => {
    if (value % block === 0) return;
    const padded = Math.ceil(value / block) * block;
    report(
      at,
      'vtasched.block',
      `${what} ${value} is not a multiple of ${blockName} (${block}): pad it to ${padded} (${padded - value} more)`,
    );
    ok = false;
  };
  needBlocks(l.batch, t.batch, 'the batch', 'BATCH', shapeAt);
  needBlocks(
    perGroupIn,
    t.blockIn,
    l.groups > 1 ? "each group's input channels," : 'the input channels,',
    'BLOCK_IN',
    shapeAt,
  );
  needBlocks(
    perGroupOut,
    t.blockOut,
    l.groups > 1 ? "each group's output channels," : 'the output channels,',
    'BLOCK_OUT',
    filterAt,
  );
  if (!ok) return undefined;

  const tileAt = (k: 'b' | 'h' | 'w' | 'ci' | 'co') => l.where[`tile.${k}`] ?? l.nameRange;
  const transpose = l.op === 'conv2d_transpose';
  // A tile must also leave a tile count that its threads divide (TVM splits the tile loop by
  // them), and a transposed convolution's tiles start on the stride.
  const threadKnob = { h: ['h', l.threads.h], co: ['oc', l.threads.oc] } as const;
  const threadOk: Partial<Record<'h' | 'co', (size: number) => boolean>> = {
    h: (h) => (l.outH / h) % l.threads.h === 0,
    co: (co) => ((l.groups * perGroupOut) / co) % l.threads.oc === 0,
  };
  const strideOf: Partial<Record<'h' | 'w', number>> = transpose ? { h: l.strideH, w: l.strideW } : {};
  const tileOf = (k: 'b' | 'h' | 'w' | 'ci' | 'co', whole: number, what: string, block: number, blockName: string) => {
    const v = l.tile[k];
    if (block > 1 && v % block !== 0) {
      report(tileAt(k), 'vtasched.tile', `tile ${k}=${v} is not a whole number of ${blockName} blocks of ${block}`);
      ok = false;
      return undefined;
    }
    const n = exactly(whole, v);
    if (n === undefined) {
      const stride = strideOf[k as 'h' | 'w'];
      const all = (block > 1 ? wholeBlockDivisors(whole, block, 64) : divisors(whole, 64)).filter(
        (d) => !stride || d % stride === 0,
      );
      const list = (xs: number[]) => `${xs.slice(0, 8).join(', ')}${xs.length > 8 ? ', …' : ''}`;
      const onStride = stride ? ' (multiples of the stride)' : '';
      const keep = threadOk[k as 'h' | 'co'];
      const fits = keep ? all.filter(keep) : all;
      let hint = '';
      if (fits.length) hint = `: tiles that do${onStride}: ${list(fits)}`;
      else if (all.length) {
        const [knob, threads] = threadKnob[k as 'h' | 'co'];
        hint = `, and no tile that does leaves a multiple of ${threads} tiles for threads ${knob}=${threads}; with threads ${knob}=1, tiles that do${onStride}: ${list(all)}`;
      }
      report(tileAt(k), 'vtasched.tile', `tile ${k}=${v} does not divide ${what} (${count(whole)})${hint}`);
      ok = false;
    }
    return n;
  };
  const nB = tileOf('b', l.batch, 'the batch', t.batch, 'BATCH');
  const nH = tileOf('h', l.outH, 'the output rows', 1, '');
  const nW = tileOf('w', l.outW, 'the output columns', 1, '');
  const nCi = tileOf(
    'ci',
    perGroupIn,
    l.groups > 1 ? 'the input channels of a group' : 'the input channels',
    t.blockIn,
    'BLOCK_IN',
  );
  const nCo = tileOf(
    'co',
    perGroupOut,
    l.groups > 1 ? 'the output channels of a group' : 'the output channels',
    t.blockOut,
    'BLOCK_OUT',
  );
  if (!ok || nB === undefined || nH === undefined || nW === undefined || nCi === undefined || nCo === undefined)
    return undefined;
  if (transpose) {
    // Each tile's rows then fall on the same phases of the stride, so one set of micro-kernels serves every tile.
    for (const [k, v, st] of [
      ['h', l.tile.h, l.strideH],
      ['w', l.tile.w, l.strideW],
    ] as const) {
      if (v % st === 0) continue;
      const whole = k === 'h' ? l.outH : l.outW;
      const fits = divisors(whole, 64)
        .filter((d) => d % st === 0 && (k === 'w' || threadOk.h!(d)))
        .slice(0, 8);
      report(
        tileAt(k),
        'vtasched.tile',
        `tile ${k}=${v} is not a multiple of the stride (${st}): a transposed convolution's tiles start on the stride${fits.length ? `; tiles that are: ${fits.join(', ')}` : ''}`,
      );
      ok = false;
    }
    if (!ok) return undefined;
  }

  // TVM splits the whole output-channel axis (across groups, for a group convolution) and the row tiles by the threads.
  const threadsOf = (k: 'oc' | 'h', tiles: number, what: string) => {
    const v = l.threads[k];
    if (tiles % v === 0) return;
    report(
      l.where[`threads.${k}`] ?? l.nameRange,
      'vtasched.threads',
      `threads ${k}=${v} does not divide the ${count(tiles)} ${what}: each virtual thread takes ${v === 1 ? 'every tile' : `every ${ordinal(v)} tile`}; counts that divide: ${divisors(tiles).join(', ')}`,
    );
    ok = false;
  };
  threadsOf(
    'oc',
    l.groups * nCo,
    `output-channel tile${l.groups * nCo === 1 ? '' : 's'}${l.groups > 1 ? ` (${nCo} per group x ${l.groups} groups)` : ''}`,
  );
  threadsOf('h', nH, `row tile${nH === 1 ? '' : 's'}`);
  if (!ok) return undefined;

  const threads = l.threads.oc * l.threads.h;
  const ciBlocks = l.tile.ci / t.blockIn;
  const coBlocks = l.tile.co / t.blockOut;
  const window = windowOf(l, l.tile);
  const perTile = tileRows(l, t, l.tile);
  const depth = { INP: t.inp.depth, WGT: t.wgt.depth, ACC: t.acc.depth, UOP: t.uop.depth };
  const buffers = (['INP', 'WGT', 'ACC', 'UOP'] as const).map(
    (b): BufferUse => ({ buffer: b, perTile: perTile[b], total: perTile[b] * threads, depth: depth[b] }),
  );
  const tileKnobs = l.where.tile ?? l.nameRange;
  const over = buffers.filter((u) => u.total > u.depth);
  // One search for all the overflowing buffers: the tile that fits and moves the fewest bytes.
  const better = over.length ? fittingTile(l, t) : undefined;
  const fix = better && tileFix(l, better.tile);
  for (const u of over) {
    const unit = u.buffer === 'UOP' ? 'entries' : 'rows';
    const per = threads > 1 ? ` (${count(u.perTile)} per tile x ${threads} virtual threads)` : '';
    const hint = better
      ? `; ${tileText(better.tile)} fits (${u.buffer} ${count(better.rows[u.buffer] * threads)} ${unit})`
      : '; no tile of this layer fits with these threads';
    report(
      tileKnobs,
      `vtasched.bounds.${u.buffer.toLowerCase()}`,
      `${u.buffer} needs ${count(u.total)} of ${count(u.depth)} ${unit}${per}${u.buffer === 'INP' ? `: a tile reads a ${window.h}x${window.w} input window` : ''}${hint}`,
      fix && [fix],
    );
  }

  checkFields(l, t, { ciBlocks, coBlocks, window }, report, warn);

  const groupsTiles = l.groups * nB * nCo * nH * nW;
  return {
    layer: l,
    tiles: { b: nB, co: nCo, h: nH, w: nW, ci: nCi, groups: l.groups, output: groupsTiles },
    window,
    buffers,
    traffic: trafficOf(l, t, l.tile),
    // A transposed convolution's micro-ops skip the dilation's zeros: each output pixel meets 1/stride of the kernel rows and columns.
    gemmIterations:
      l.groups *
      (l.batch / t.batch) *
      (perGroupOut / t.blockOut) *
      (l.outH / (transpose ? l.strideH : 1)) *
      (l.outW / (transpose ? l.strideW : 1)) *
      (perGroupIn / t.blockIn) *
      l.kh *
      l.kw,
  };
}

type Tile = Layer['tile'];
type Rows = Record<'INP' | 'WGT' | 'ACC' | 'UOP', number>;

/**
 * The input rows (or columns) that `size` output rows from output row `start` read:
 * the first (negative: padding) and how many, padding included. A transposed
 * convolution reads only the input rows its dilated window covers (the zeros between
 * them are skipped, not loaded); its tiles start on multiples of the stride, so every
 * tile's window has the same size.
 */
export function inputSpan(l: Layer, axis: 'h' | 'w', start: number, size: number): { first: number; count: number } {
  const [k, s, pad] = axis === 'h' ? [l.kh, l.strideH, l.padH] : [l.kw, l.strideW, l.padW];
  if (l.op !== 'conv2d_transpose') return { first: start * s - pad, count: (size - 1) * s + k };
  const b = k - 1 - pad; // the dilated input's padding
  const first = Math.ceil((start - b) / s);
  const last = Math.floor((start + size + k - 2 - b) / s);
  return { first, count: last - first + 1 };
}

/** The input window of a tile, padding included. */
export function windowOf(l: Layer, tile: Tile): { h: number; w: number } {
  return { h: inputSpan(l, 'h', 0, tile.h).count, w: inputSpan(l, 'w', 0, tile.w).count };
}

/** Micro-ops of one GEMM kernel (a batch block, input-channel block and kernel position): one per output column it feeds. */
export function gemmUopsOf(l: Layer, tile: Tile): number {
  return l.op === 'conv2d_transpose' ? tile.w / l.strideW : tile.w;
}

/** What one tile of one thread keeps in each buffer (rows; entries for UOP). */
export function tileRows(l: Layer, t: VtaTarget, tile: Tile): Rows {
  const bBlocks = tile.b / t.batch;
  const ciBlocks = tile.ci / t.blockIn;
  const coBlocks = tile.co / t.blockOut;
  const window = windowOf(l, tile);
  return {
    INP: bBlocks * ciBlocks * window.h * window.w,
    WGT: coBlocks * ciBlocks * l.kh * l.kw,
    ACC: bBlocks * coBlocks * tile.h * tile.w,
    UOP: bBlocks * (tile.w + ciBlocks * l.kh * l.kw * gemmUopsOf(l, tile)),
  };
}

/**
 * Bytes moved over the whole layer with this tile (which must divide the layer): each
 * output tile reads its input window less the padding (the loads fill that with zeros
 * without reading) and its weights once per input-channel step, and writes its output.
 */
export function trafficOf(l: Layer, t: VtaTarget, tile: Tile): { input: number; weight: number; output: number } {
  const nB = l.batch / tile.b;
  const nCo = l.outChannels / l.groups / tile.co;
  const nCi = l.inChannels / l.groups / tile.ci;
  const nH = l.outH / tile.h;
  const nW = l.outW / tile.w;
  const inside = (span: { first: number; count: number }, limit: number) =>
    Math.max(0, Math.min(span.first + span.count, limit) - Math.max(span.first, 0));
  let rows = 0;
  for (let yt = 0; yt < nH; yt++) rows += inside(inputSpan(l, 'h', yt * tile.h, tile.h), l.inH);
  let cols = 0;
  for (let xt = 0; xt < nW; xt++) cols += inside(inputSpan(l, 'w', xt * tile.w, tile.w), l.inW);
  const r = tileRows(l, t, tile);
  const outputTiles = l.groups * nB * nCo * nH * nW;
  return {
    input: rows * cols * (tile.b / t.batch) * (tile.ci / t.blockIn) * t.inp.rowBytes * l.groups * nB * nCo * nCi,
    weight: r.WGT * t.wgt.rowBytes * outputTiles * nCi,
    output: r.ACC * t.out.rowBytes * outputTiles,
  };
}

/**
 * The tile, among those that divide the layer in whole blocks, that fits every buffer
 * with the layer's threads and moves the fewest bytes (ties: fewer, larger tiles).
 * The batch tile is kept. Searches at most a few thousand tiles.
 */
export function fittingTile(l: Layer, t: VtaTarget): { tile: Tile; rows: Rows } | undefined {
  const threads = l.threads.oc * l.threads.h;
  const perGroupIn = l.inChannels / l.groups;
  const perGroupOut = l.outChannels / l.groups;
  const depth: Rows = { INP: t.inp.depth, WGT: t.wgt.depth, ACC: t.acc.depth, UOP: t.uop.depth };
  // Largest first, at most 16 of each: a long list of small divisors never wins.
  const sizes = (xs: number[]) => xs.reverse().slice(0, 16);
  // Thread counts must still divide the tile counts.
  // A transposed convolution's tiles are multiples of the stride.
  const [sh, sw] = l.op === 'conv2d_transpose' ? [l.strideH, l.strideW] : [1, 1];
  const hs = sizes(divisors(l.outH, 64).filter((h) => (l.outH / h) % l.threads.h === 0 && h % sh === 0));
  const ws = sizes(divisors(l.outW, 64).filter((w) => w % sw === 0));
  const cis = sizes(wholeBlockDivisors(perGroupIn, t.blockIn, 64));
  // The output-channel threads split the whole axis, across groups.
  const cos = sizes(
    wholeBlockDivisors(perGroupOut, t.blockOut, 64).filter(
      (co) => ((l.groups * perGroupOut) / co) % l.threads.oc === 0,
    ),
  );
  let best: { tile: Tile; rows: Rows; cost: number; tiles: number } | undefined;
  for (const h of hs)
    for (const w of ws)
      for (const ci of cis)
        for (const co of cos) {
          const tile = { b: l.tile.b, h, w, ci, co };
          const rows = tileRows(l, t, tile);
          if (
            rows.INP * threads > depth.INP ||
            rows.WGT * threads > depth.WGT ||
            rows.ACC * threads > depth.ACC ||
            rows.UOP * threads > depth.UOP
          )
            continue;
          const tr = trafficOf(l, t, tile);
          const cost = tr.input + tr.weight + tr.output;
          const tiles = (l.outH / h) * (l.outW / w) * (perGroupOut / co) * (perGroupIn / ci);
          if (!best || cost < best.cost || (cost === best.cost && tiles < best.tiles))
            best = { tile, rows, cost, tiles };
        }
  return best && { tile: best.tile, rows: best.rows };
}

function tileText(tile: Tile): string {
  return `tile b=${tile.b} h=${tile.h} w=${tile.w} ci=${tile.ci} co=${tile.co}`;
}

/** The quick fix that writes `tile` into the layer: replacing its tile line, or adding one after the header. */
function tileFix(l: Layer, tile: Tile): SchedFix {
  const text = l.op === 'dense' ? `tile b=${tile.b} ci=${tile.ci} co=${tile.co}` : tileText(tile);
  const at = l.where.tile;
  // Replacing only the values keeps the line's alignment (`tile   b=1 …` under `input  = …`).
  const first = (['b', 'h', 'w', 'ci', 'co'] as const)
    .map((k) => l.where[`tile.${k}`])
    .filter((r) => r !== undefined)
    .sort((a, b) => a.start.line - b.start.line || a.start.character - b.start.character)[0];
  if (at && first && first.start.line === at.start.line) {
    return {
      title: `Use ${text}`,
      edits: [{ range: { start: first.start, end: at.end }, newText: text.slice('tile '.length) }],
    };
  }
  if (at) return { title: `Use ${text}`, edits: [{ range: at, newText: text }] };
  const line = l.nameRange.start.line + 1;
  return {
    title: `Use ${text}`,
    edits: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, newText: `  ${text}\n` }],
  };
}

/** The fields of the instructions the lowering emits for this layer, against their widths. */
function checkFields(
  l: Layer,
  t: VtaTarget,
  g: { ciBlocks: number; coBlocks: number; window: { h: number; w: number } },
  report: LayerReport,
  warn: LayerReport,
): void {
  const layouts = layoutsFor(t);
  // `why` is a template only read on a finding: building numbers' text for every check would cost more than the checks.
  const fits = (kind: InsnKind, field: FieldName, value: number, at: Range, why: string | (() => string)) => {
    const f = layouts[kind].byName[field]!;
    if (value >= f.min && value <= f.max) return true;
    report(
      at,
      `vtasched.range.${field}`,
      `${typeof why === 'function' ? why() : why} needs ${field} = ${count(value)}, but the ${kind === 'mem' ? 'LOAD/STORE' : kind.toUpperCase()} field holds ${count(f.min)}..${count(f.max)} (${f.width} bits)`,
    );
    return false;
  };
  const inAt = l.where.input!;
  const filterAt = l.where.filter ?? l.where.weight!;
  const padAt = l.where.pad ?? l.nameRange;
  const tileAt = (k: 'h' | 'w' | 'co' | 'ci') => l.where[`tile.${k}`] ?? l.nameRange;
  // Input tile: one 2-D load per batch block and input-channel block.
  fits('mem', 'y_size', g.window.h, tileAt('h'), `the input window of a tile (${g.window.h} rows)`);
  fits('mem', 'x_size', g.window.w, tileAt('w'), `the input window of a tile (${g.window.w} columns)`);
  fits('mem', 'x_stride', l.inW, inAt, () => `an input row of ${count(l.inW)} columns`);
  fits('mem', 'y_pad_0', l.padH, padAt, `a padding of ${l.padH} rows`);
  fits('mem', 'x_pad_0', l.padW, padAt, `a padding of ${l.padW} columns`);
  // Weights: one load per tile, a row per output-channel block.
  const wgtRow = g.ciBlocks * l.kh * l.kw;
  fits(
    'mem',
    'x_size',
    wgtRow,
    tileAt('ci'),
    `a weight tile row (${g.ciBlocks} input-channel blocks x ${l.kh}x${l.kw})`,
  );
  fits('mem', 'x_stride', (l.inChannels / l.groups / t.blockIn) * l.kh * l.kw, filterAt, 'the weight row pitch');
  // GEMM and ALU loops: output-channel blocks outside, output rows inside.
  fits('gemm', 'iter_out', g.coBlocks, tileAt('co'), `${g.coBlocks} output-channel blocks per tile`);
  const rowsPerGemm = l.op === 'conv2d_transpose' ? l.tile.h / l.strideH : l.tile.h; // a transposed tile's rows, one stride phase at a time
  fits('gemm', 'iter_in', rowsPerGemm, tileAt('h'), `${rowsPerGemm} output rows per GEMM`);
  // Output: one 2-D store per batch block and output-channel block.
  fits('mem', 'x_stride', l.outW, inAt, () => `an output row of ${count(l.outW)} columns`);
  // DRAM addresses, in elements of each memory type, must fit 32 bits.
  const elements = {
    input: (l.batch / t.batch) * (l.inChannels / t.blockIn) * l.inH * l.inW,
    weight: (l.outChannels / t.blockOut) * (l.inChannels / l.groups / t.blockIn) * l.kh * l.kw,
    output: (l.batch / t.batch) * (l.outChannels / t.blockOut) * l.outH * l.outW,
  };
  fits('mem', 'dram_base', elements.input, inAt, () => `the input (${count(elements.input)} elements)`);
  fits('mem', 'dram_base', elements.weight, filterAt, () => `the weights (${count(elements.weight)} elements)`);
  fits('mem', 'dram_base', elements.output, inAt, () => `the output (${count(elements.output)} elements)`);
  // The epilogue runs as ALU instructions with an immediate.
  const ops = aluOpsFor(t);
  for (const st of l.epilogue) {
    if (!(ALU_OP_NAMES as readonly string[]).includes(st.op)) continue; // the syntax check names it
    if (!(ops as readonly string[]).includes(st.op)) {
      report(
        st.range,
        'vtasched.name.alu',
        `target ${t.name} (VTA ${t.keys.HW_VER}) has no ALU ${st.op}: it has ${ops.join(', ')}`,
      );
      continue;
    }
    if (st.arg !== undefined) fits('alu', 'imm', st.arg, st.argRange ?? st.range, `${st.op} ${st.arg}`);
    if (st.op === 'shr' && st.arg !== undefined && (st.arg < 0 || st.arg >= t.accBits)) {
      warn(
        st.argRange ?? st.range,
        'vtasched.epilogue',
        `shr ${st.arg} shifts a ${t.accBits}-bit accumulator by ${st.arg < 0 ? 'a negative amount (a left shift)' : 'its whole width or more'}`,
      );
    }
  }
}
