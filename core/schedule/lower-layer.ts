/**
 * Lowers one checked `.vtasched` layer into a lowered stream (lowered-stream.ts): the
 * job VTA's JIT runtime does for a TVM schedule. The stream becomes a Program directly
 * (lowered-program.ts) and, when a user wants to read or step it, `.vta` text
 * (print-lowered.ts).
 *
 * The shape of the program (docs/reference/schedules.md, "Lowering"):
 * - DRAM: the input in `[N/BATCH][C/BLOCK_IN][H][W]` blocks, the weights in
 *   `[O/BLOCK_OUT][I/BLOCK_IN][KH][KW]`, the output in `[N/BATCH][O/BLOCK_OUT][OH][OW]`.
 * - SRAM: one region per virtual thread in each buffer; output tile k uses region
 *   k mod threads for its input window, weights and accumulators.
 * - Micro-ops: loaded once, at the start. Per region, one GEMM kernel per batch block,
 *   input-channel block and kernel position (a micro-op per output column), and one
 *   row kernel that the reset GEMM and every epilogue step share. The GEMM's loops run
 *   over output-channel blocks (outer) and output rows (inner).
 * - Tokens: a load into a region waits (`pop ex->ld`) until the compute that last read
 *   it is done; compute waits for its loads (`ld->ex`) and, for a tile's first step,
 *   for the store that last read its accumulators (`st->ex`); the store waits for the
 *   compute (`ex->st`). Every pop is matched by a push earlier in the text, so the
 *   text order cannot deadlock, and regions let the three modules overlap.
 */
import { gemmUopsOf, inputSpan, type LayerFigures } from './footprint';
import type { VtaTarget } from '../isa/config';
import { ALU_OP_NAMES } from '../isa/fields';
import { regionTokens } from './region-tokens';
import type { Linear, StreamWriter } from './lowered-stream';

export interface LowerLayerOptions {
  /** Where the layer was written, for the comments: `resnet18.vtasched:5`. */
  origin: string;
  /** Seeds of the random input and weights. */
  seed: number;
  /** The layer follows another one in the same program: start once that one's last store is done. */
  afterAnother: boolean;
  /** Input and weight values: random (to run and compare), or zeros where only timing and checks matter. */
  values: 'random' | 'zeros';
}

/** `c + Σ coef·var` from pairs, dropping zero coefficients. */
const linear = (c: number, ...terms: Array<[number, string]>): Linear => ({ c, terms: terms.filter(([k]) => k !== 0) });

/** Writes the layer's declarations and instructions into the stream (its last declarations entry is the layer's). */
export function lowerLayer(f: LayerFigures, t: VtaTarget, opts: LowerLayerOptions, w: StreamWriter): void {
  const l = f.layer;
  const id = l.name;
  const T = l.threads.oc * l.threads.h;
  const bN = l.tile.b / t.batch;
  const ciN = l.tile.ci / t.blockIn;
  const coN = l.tile.co / t.blockOut;
  const { h: winH, w: winW } = f.window;
  const inCb = l.inChannels / t.blockIn; // input-channel blocks over all groups
  const inCbG = l.inChannels / l.groups / t.blockIn; // per group: the weights' I/BLOCK_IN
  const outCb = l.outChannels / t.blockOut;
  const outCbG = l.outChannels / l.groups / t.blockOut;
  const kk = l.kh * l.kw;
  const rowsOf = (b: 'INP' | 'WGT' | 'ACC') => f.buffers.find((u) => u.buffer === b)!.perTile;
  const [inpTile, wgtTile, accTile] = [rowsOf('INP'), rowsOf('WGT'), rowsOf('ACC')];
  const rowsPerBatchBlock = coN * l.tile.h * l.tile.w; // ACC rows of one batch block of a tile
  // A 1x1 image (a dense layer) has contiguous channel blocks: one load and one store move them all.
  const flat = l.inH === 1 && l.inW === 1 && l.outH === 1 && l.outW === 1 && l.padH === 0 && l.padW === 0;

  const init = (seed: number) => (opts.values === 'zeros' ? ('zeros' as const) : { seed });
  const transpose = l.op === 'conv2d_transpose';
  const filterDims = transpose
    ? `${l.inChannels}x${l.outChannels}x${l.kh}x${l.kw}`
    : l.op === 'conv2d'
      ? `${l.outChannels}x${l.inChannels / l.groups}x${l.kh}x${l.kw}`
      : `${l.outChannels}x${l.inChannels}`;
  const decls = {
    comments: [
      `---- ${id}: ${l.op} (${opts.origin}), input ${l.batch}x${l.inChannels}${l.op !== 'dense' ? `x${l.inH}x${l.inW}` : ''}, ${l.op !== 'dense' ? 'filter' : 'weight'} ${filterDims}${transpose ? ` (the weights below: TVM's packed O x I)` : ''}`,
      `     ${f.tiles.output} tiles of b=${l.tile.b} co=${l.tile.co} h=${l.tile.h} w=${l.tile.w}, ${f.tiles.ci} input-channel step(s) of ci=${l.tile.ci}, ${T} virtual thread(s)`,
    ],
    tensors: [] as number[],
    kernels: [] as number[],
  };
  w.s.decls.push(decls);
  const tIn = w.tensor({
    name: `${id}_in`,
    mem: 'inp',
    count: (l.batch / t.batch) * inCb * l.inH * l.inW,
    init: init(opts.seed),
  });
  const tWgt = w.tensor({ name: `${id}_wgt`, mem: 'wgt', count: outCb * inCbG * kk, init: init(opts.seed + 1) });
  const tOut = w.tensor({
    name: `${id}_out`,
    mem: 'out',
    count: (l.batch / t.batch) * outCb * l.outH * l.outW,
    init: undefined,
  });
  decls.tensors.push(tIn, tWgt, tOut);
  // GEMM kernel of region r: one micro-op per output column x. A transposed convolution's
  // kernel feeds only the columns x0, x0 + stride, … whose dilated input under kernel column
  // kx is a real input column (TVM skips the micro-ops of the dilation's zeros); its
  // arguments carry that first column and the window row and column it reads.
  const sw = l.strideW;
  const kGemm = transpose
    ? w.kernel({
        name: `${id}_gemm`,
        params: ['r', 'bb', 'cib', 'py', 'ky', 'kx', 'x0', 'iy', 'ix'],
        loops: [['j', l.tile.w / sw]],
        dst: linear(0, [accTile, 'r'], [rowsPerBatchBlock, 'bb'], [l.tile.w, 'py'], [1, 'x0'], [sw, 'j']),
        src: linear(
          0,
          [inpTile, 'r'],
          [ciN * winH * winW, 'bb'],
          [winH * winW, 'cib'],
          [winW, 'iy'],
          [1, 'ix'],
          [1, 'j'],
        ),
        wgt: linear(0, [wgtTile, 'r'], [kk, 'cib'], [l.kw, 'ky'], [1, 'kx']),
      })
    : w.kernel({
        name: `${id}_gemm`,
        params: ['r', 'bb', 'cib', 'ky', 'kx'],
        loops: [['x', l.tile.w]],
        dst: linear(0, [accTile, 'r'], [rowsPerBatchBlock, 'bb'], [1, 'x']),
        src: linear(
          0,
          [inpTile, 'r'],
          [ciN * winH * winW, 'bb'],
          [winH * winW, 'cib'],
          [winW, 'ky'],
          [1, 'kx'],
          [l.strideW, 'x'],
        ),
        wgt: linear(0, [wgtTile, 'r'], [kk, 'cib'], [l.kw, 'ky'], [1, 'kx']),
      });
  // Row kernel of region r: the reset GEMM reads only dst; the epilogue's ALU steps use an immediate.
  const rowOf = linear(0, [accTile, 'r'], [rowsPerBatchBlock, 'bb'], [1, 'x']);
  const kRow = w.kernel({
    name: `${id}_row`,
    params: ['r'],
    loops: [
      ['bb', bN],
      ['x', l.tile.w],
    ],
    dst: rowOf,
    src: rowOf,
  });
  decls.kernels.push(kGemm, kRow);

  // Micro-ops of every region, loaded once (by the compute module, after the previous layer).
  if (opts.afterAnother) w.pop('st->ex', 'the previous layer has stored its last tile');
  // Placed from row 0 for each layer (not after the previous layer's kernels, which are done).
  const gemmUops = gemmUopsOf(l, l.tile);
  const rowUops = bN * l.tile.w;
  const regionUops = rowUops + bN * ciN * kk * gemmUops;
  const rowAt = (r: number) => r * regionUops;
  // The GEMMs of one step, in order: per batch block and input-channel block, for a
  // convolution each kernel position; for a transposed one each stride phase py of the
  // output rows with the kernel rows that meet real input rows on it, then each kernel column.
  const gemmArgs: number[][] = [];
  for (let bb = 0; bb < bN; bb++)
    for (let cib = 0; cib < ciN; cib++) {
      if (!transpose) {
        for (let ky = 0; ky < l.kh; ky++) for (let kx = 0; kx < l.kw; kx++) gemmArgs.push([bb, cib, ky, kx]);
        continue;
      }
      const [bt, bl] = [l.kh - 1 - l.padH, l.kw - 1 - l.padW];
      const [iy0, ix0] = [inputSpan(l, 'h', 0, l.tile.h).first, inputSpan(l, 'w', 0, l.tile.w).first];
      for (let py = 0; py < l.strideH; py++)
        for (let ky = 0; ky < l.kh; ky++) {
          if ((py + ky - bt) % l.strideH !== 0) continue;
          for (let kx = 0; kx < l.kw; kx++) {
            const x0 = (((bl - kx) % sw) + sw) % sw; // the first output column whose input under kx is real
            gemmArgs.push([bb, cib, py, ky, kx, x0, (py + ky - bt) / l.strideH - iy0, (x0 + kx - bl) / sw - ix0]);
          }
        }
    }
  const gemmAt = (r: number, j: number) => rowAt(r) + rowUops + j * gemmUops;
  // Instances by region, then by GEMM in step order.
  const rowInst: number[] = [];
  const gemmInst: number[][] = [];
  for (let r = 0; r < Math.min(T, f.tiles.output); r++) {
    rowInst.push(w.instance(kRow, [r]));
    w.loadUop(rowInst[r]!, rowAt(r), rowUops);
    gemmInst.push(
      gemmArgs.map((args, j) => {
        const inst = w.instance(kGemm, [r, ...args]);
        w.loadUop(inst, gemmAt(r, j), gemmUops);
        return inst;
      }),
    );
  }
  if (opts.afterAnother) w.push('ex->ld', 'its loads may now reuse the buffers');

  // GEMM loops: output-channel blocks outside, output rows inside (a transposed convolution's rows of one stride phase).
  const gemmLoops = transpose
    ? {
        outer: coN,
        dstOut: l.tile.h * l.tile.w,
        srcOut: 0,
        wgtOut: ciN * kk,
        inner: l.tile.h / l.strideH,
        dstIn: l.strideH * l.tile.w,
        srcIn: winW,
      }
    : {
        outer: coN,
        dstOut: l.tile.h * l.tile.w,
        srcOut: 0,
        wgtOut: ciN * kk,
        inner: l.tile.h,
        dstIn: l.tile.w,
        srcIn: l.strideH * winW,
      };
  const rowLoops = {
    outer: coN,
    dstOut: l.tile.h * l.tile.w,
    srcOut: l.tile.h * l.tile.w,
    inner: l.tile.h,
    dstIn: l.tile.w,
    srcIn: l.tile.w,
  };
  // Output tiles as TVM's schedule runs them: batch, outer row tiles, outer channel tiles
  // (over the whole output-channel axis: across groups for a group convolution), column
  // tiles, then the virtual threads innermost, so that each T consecutive tiles are the
  // threads' tiles that run together: thread (vo, vh) takes every oc-th channel tile and
  // every h-th row tile. Tile k uses region k mod T, its thread's.
  const ocT = l.threads.oc;
  const hT = l.threads.h;
  const coTiles = l.groups * f.tiles.co;
  const tiles: Array<{ k: number; g: number; bb0: number; ob0: number; oy0: number; ox0: number }> = [];
  for (let bt = 0; bt < f.tiles.b; bt++)
    for (let yo = 0; yo < f.tiles.h / hT; yo++)
      for (let co = 0; co < coTiles / ocT; co++)
        for (let xt = 0; xt < f.tiles.w; xt++) {
          for (let vo = 0; vo < ocT; vo++)
            for (let vh = 0; vh < hT; vh++) {
              const ob0 = (co * ocT + vo) * coN; // first output-channel block, over all groups
              tiles.push({
                k: tiles.length,
                g: Math.floor(ob0 / outCbG),
                bb0: bt * bN,
                ob0,
                oy0: (yo * hT + vh) * l.tile.h,
                ox0: xt * l.tile.w,
              });
            }
        }
  const K = tiles.length;
  // Emission order: T tiles at a time, one per region, their input-channel steps
  // interleaved as TVM's virtual threads are, so that one thread's loads overlap another's compute.
  const steps: Array<{ tile: (typeof tiles)[number]; c: number }> = [];
  for (let g0 = 0; g0 < K; g0 += T)
    for (let c = 0; c < f.tiles.ci; c++)
      for (let k = g0; k < Math.min(g0 + T, K); k++) steps.push({ tile: tiles[k]!, c });
  const tokens = regionTokens(steps.map((st) => st.tile.k % T));
  steps.forEach(({ tile, c }, step) => {
    const { k, g, bb0, ob0, oy0, ox0 } = tile;
    const r = k % T;
    const first = c === 0;
    const last = c === f.tiles.ci - 1;
    if (first)
      w.label(
        `${id}_tile${k}`,
        `tile ${k}: batch ${bb0 * t.batch}.., channels ${ob0 * t.blockOut}.., rows ${oy0}.., columns ${ox0}.. (region ${r})`,
      );
    else w.comment(`tile ${k}, input channels ${(g * inCbG + c * ciN) * t.blockIn}..`);
    // Load module: wait for the compute that last read this region (and, for a layer after
    // another, for that layer's compute to be done), then fill it.
    if (opts.afterAnother && step === 0) w.pop('ex->ld');
    // An instruction pops a queue at most once: earlier pops ride on nops.
    for (let n = 1; n < tokens.pops[step]!; n++) {
      w.pop('ex->ld');
      w.nop('ld');
    }
    if (tokens.pops[step]) w.pop('ex->ld');
    const ib0 = c * ciN; // first input-channel block within the group
    if (flat) {
      w.load('inp', tIn, bb0 * inCb + g * inCbG + ib0, inpTile * r, bN, ciN, inCb);
    } else {
      const y0 = inputSpan(l, 'h', oy0, l.tile.h).first;
      const x0 = inputSpan(l, 'w', ox0, l.tile.w).first;
      const top = Math.max(0, -y0);
      const bottom = Math.max(0, y0 + winH - l.inH);
      const left = Math.max(0, -x0);
      const right = Math.max(0, x0 + winW - l.inW);
      const pad = top || bottom || left || right ? ([top, bottom, left, right] as const) : undefined;
      for (let bb = 0; bb < bN; bb++)
        for (let cib = 0; cib < ciN; cib++) {
          const plane = (bb0 + bb) * inCb + g * inCbG + ib0 + cib;
          const dram = (plane * l.inH + y0 + top) * l.inW + x0 + left;
          w.load(
            'inp',
            tIn,
            dram,
            inpTile * r + (bb * ciN + cib) * winH * winW,
            winH - top - bottom,
            winW - left - right,
            l.inW,
            pad,
          );
        }
    }
    w.load('wgt', tWgt, (ob0 * inCbG + ib0) * kk, wgtTile * r, coN, ciN * kk, inCbG * kk);
    w.push('ld->ex');
    // Compute module.
    if (first && k >= T) w.pop('st->ex', "the store of this region's previous tile is done");
    w.pop('ld->ex');
    if (first) w.gemm(rowInst[r]!, rowAt(r), rowUops, true, rowLoops);
    const mine = gemmInst[r]!;
    for (let j = 0; j < mine.length; j++) w.gemm(mine[j]!, gemmAt(r, j), gemmUops, false, gemmLoops);
    if (tokens.push[step]) w.push('ex->ld');
    if (!last) return;
    for (const e of l.epilogue)
      w.alu(
        ALU_OP_NAMES.indexOf(e.op as (typeof ALU_OP_NAMES)[number]),
        rowInst[r]!,
        rowAt(r),
        rowUops,
        e.arg!,
        rowLoops,
      );
    w.push('ex->st');
    // Store module.
    w.pop('ex->st');
    if (flat) {
      w.store(tOut, bb0 * outCb + ob0, accTile * r, bN, coN, outCb);
    } else {
      for (let bb = 0; bb < bN; bb++)
        for (let cob = 0; cob < coN; cob++) {
          const dram = (((bb0 + bb) * outCb + ob0 + cob) * l.outH + oy0) * l.outW + ox0;
          w.store(tOut, dram, accTile * r + (bb * coN + cob) * l.tile.h * l.tile.w, l.tile.h, l.tile.w, l.outW);
        }
    }
    // The next tile of this region waits for this store; the last tile's store ends the layer.
    if (k + T < K || k === K - 1) w.push('st->ex');
  });
}
