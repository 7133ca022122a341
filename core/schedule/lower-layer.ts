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
import type { LayerFigures } from './footprint';
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

  const init = (seed: number) => (opts.values === 'zeros' ? 'zeros' as const : { seed });
  const filterDims = l.op === 'conv2d' ? `${l.outChannels}x${l.inChannels / l.groups}x${l.kh}x${l.kw}` : `${l.outChannels}x${l.inChannels}`;
  const decls = {
    comments: [
      `---- ${id}: ${l.op} (${opts.origin}), input ${l.batch}x${l.inChannels}${l.op === 'conv2d' ? `x${l.inH}x${l.inW}` : ''}, ${l.op === 'conv2d' ? 'filter' : 'weight'} ${filterDims}`,
      `     ${f.tiles.output} tiles of b=${l.tile.b} co=${l.tile.co} h=${l.tile.h} w=${l.tile.w}, ${f.tiles.ci} input-channel step(s) of ci=${l.tile.ci}, ${T} virtual thread(s)`,
    ],
    tensors: [] as number[],
    kernels: [] as number[],
  };
  w.s.decls.push(decls);
  const tIn = w.tensor({ name: `${id}_in`, mem: 'inp', count: (l.batch / t.batch) * inCb * l.inH * l.inW, init: init(opts.seed) });
  const tWgt = w.tensor({ name: `${id}_wgt`, mem: 'wgt', count: outCb * inCbG * kk, init: init(opts.seed + 1) });
  const tOut = w.tensor({ name: `${id}_out`, mem: 'out', count: (l.batch / t.batch) * outCb * l.outH * l.outW, init: undefined });
  decls.tensors.push(tIn, tWgt, tOut);
  // GEMM kernel of region r: one micro-op per output column x.
  const kGemm = w.kernel({
    name: `${id}_gemm`, params: ['r', 'bb', 'cib', 'ky', 'kx'], loops: [['x', l.tile.w]],
    dst: linear(0, [accTile, 'r'], [rowsPerBatchBlock, 'bb'], [1, 'x']),
    src: linear(0, [inpTile, 'r'], [ciN * winH * winW, 'bb'], [winH * winW, 'cib'], [winW, 'ky'], [1, 'kx'], [l.strideW, 'x']),
    wgt: linear(0, [wgtTile, 'r'], [kk, 'cib'], [l.kw, 'ky'], [1, 'kx']),
  });
  // Row kernel of region r: the reset GEMM reads only dst; the epilogue's ALU steps use an immediate.
  const rowOf = linear(0, [accTile, 'r'], [rowsPerBatchBlock, 'bb'], [1, 'x']);
  const kRow = w.kernel({ name: `${id}_row`, params: ['r'], loops: [['bb', bN], ['x', l.tile.w]], dst: rowOf, src: rowOf });
  decls.kernels.push(kGemm, kRow);

  // Micro-ops of every region, loaded once (by the compute module, after the previous layer).
  if (opts.afterAnother) w.pop('st->ex', 'the previous layer has stored its last tile');
  // Placed from row 0 for each layer (not after the previous layer's kernels, which are done).
  const gemmUops = l.tile.w;
  const rowUops = bN * l.tile.w;
  const regionUops = rowUops + bN * ciN * kk * gemmUops;
  const rowAt = (r: number) => r * regionUops;
  const gemmAt = (r: number, bb: number, cib: number, ky: number, kx: number) => rowAt(r) + rowUops + (((bb * ciN + cib) * l.kh + ky) * l.kw + kx) * gemmUops;
  // Instances by region, then by (bb, cib, ky, kx) in loop order.
  const rowInst: number[] = [];
  const gemmInst: number[][] = [];
  for (let r = 0; r < Math.min(T, f.tiles.output); r++) {
    rowInst.push(w.instance(kRow, [r]));
    w.loadUop(rowInst[r]!, rowAt(r), rowUops);
    const mine: number[] = [];
    for (let bb = 0; bb < bN; bb++) for (let cib = 0; cib < ciN; cib++) for (let ky = 0; ky < l.kh; ky++) for (let kx = 0; kx < l.kw; kx++) {
      const inst = w.instance(kGemm, [r, bb, cib, ky, kx]);
      mine.push(inst);
      w.loadUop(inst, gemmAt(r, bb, cib, ky, kx), gemmUops);
    }
    gemmInst.push(mine);
  }
  if (opts.afterAnother) w.push('ex->ld', 'its loads may now reuse the buffers');

  const gemmLoops = { outer: coN, dstOut: l.tile.h * l.tile.w, srcOut: 0, wgtOut: ciN * kk, inner: l.tile.h, dstIn: l.tile.w, srcIn: l.strideH * winW };
  const rowLoops = { outer: coN, dstOut: l.tile.h * l.tile.w, srcOut: l.tile.h * l.tile.w, inner: l.tile.h, dstIn: l.tile.w, srcIn: l.tile.w };
  // Output tiles in loop order (group, batch, channels, rows, columns); tile k uses region k mod T.
  const tiles: Array<{ k: number; g: number; bb0: number; ob0: number; oy0: number; ox0: number }> = [];
  for (let g = 0; g < l.groups; g++) for (let bt = 0; bt < f.tiles.b; bt++) for (let ct = 0; ct < f.tiles.co; ct++) for (let yt = 0; yt < f.tiles.h; yt++) for (let xt = 0; xt < f.tiles.w; xt++) {
    tiles.push({ k: tiles.length, g, bb0: bt * bN, ob0: g * outCbG + ct * coN, oy0: yt * l.tile.h, ox0: xt * l.tile.w });
  }
  const K = tiles.length;
  // Emission order: T tiles at a time, one per region, their input-channel steps
  // interleaved as TVM's virtual threads are, so that one thread's loads overlap another's compute.
  const steps: Array<{ tile: (typeof tiles)[number]; c: number }> = [];
  for (let g0 = 0; g0 < K; g0 += T) for (let c = 0; c < f.tiles.ci; c++) for (let k = g0; k < Math.min(g0 + T, K); k++) steps.push({ tile: tiles[k]!, c });
  const tokens = regionTokens(steps.map((st) => st.tile.k % T));
  steps.forEach(({ tile, c }, step) => {
    const { k, g, bb0, ob0, oy0, ox0 } = tile;
    const r = k % T;
    const first = c === 0;
    const last = c === f.tiles.ci - 1;
    if (first) w.label(`${id}_tile${k}`, `tile ${k}: batch ${bb0 * t.batch}.., channels ${ob0 * t.blockOut}.., rows ${oy0}.., columns ${ox0}.. (region ${r})`);
    else w.comment(`tile ${k}, input channels ${(g * inCbG + c * ciN) * t.blockIn}..`);
    // Load module: wait for the compute that last read this region (and, for a layer after
    // another, for that layer's compute to be done), then fill it.
    if (opts.afterAnother && step === 0) w.pop('ex->ld');
    // An instruction pops a queue at most once: earlier pops ride on nops.
    for (let n = 1; n < tokens.pops[step]!; n++) { w.pop('ex->ld'); w.nop('ld'); }
    if (tokens.pops[step]) w.pop('ex->ld');
    const ib0 = c * ciN; // first input-channel block within the group
    if (flat) {
      w.load('inp', tIn, bb0 * inCb + g * inCbG + ib0, inpTile * r, bN, ciN, inCb);
    } else {
      const y0 = oy0 * l.strideH - l.padH;
      const x0 = ox0 * l.strideW - l.padW;
      const top = Math.max(0, -y0);
      const bottom = Math.max(0, y0 + winH - l.inH);
      const left = Math.max(0, -x0);
      const right = Math.max(0, x0 + winW - l.inW);
      const pad = top || bottom || left || right ? [top, bottom, left, right] as const : undefined;
      for (let bb = 0; bb < bN; bb++) for (let cib = 0; cib < ciN; cib++) {
        const plane = (bb0 + bb) * inCb + g * inCbG + ib0 + cib;
        const dram = (plane * l.inH + y0 + top) * l.inW + x0 + left;
        w.load('inp', tIn, dram, inpTile * r + (bb * ciN + cib) * winH * winW, winH - top - bottom, winW - left - right, l.inW, pad);
      }
    }
    w.load('wgt', tWgt, (ob0 * inCbG + ib0) * kk, wgtTile * r, coN, ciN * kk, inCbG * kk);
    w.push('ld->ex');
    // Compute module.
    if (first && k >= T) w.pop('st->ex', 'the store of this region\'s previous tile is done');
    w.pop('ld->ex');
    if (first) w.gemm(rowInst[r]!, rowAt(r), rowUops, true, rowLoops);
    const mine = gemmInst[r]!;
    for (let j = 0; j < mine.length; j++) w.gemm(mine[j]!, rowAt(r) + rowUops + j * gemmUops, gemmUops, false, gemmLoops);
    if (tokens.push[step]) w.push('ex->ld');
    if (!last) return;
    for (const e of l.epilogue) w.alu(ALU_OP_NAMES.indexOf(e.op as (typeof ALU_OP_NAMES)[number]), rowInst[r]!, rowAt(r), rowUops, e.arg!, rowLoops);
    w.push('ex->st');
    // Store module.
    w.pop('ex->st');
    if (flat) {
      w.store(tOut, bb0 * outCb + ob0, accTile * r, bN, coN, outCb);
    } else {
      for (let bb = 0; bb < bN; bb++) for (let cob = 0; cob < coN; cob++) {
        const dram = (((bb0 + bb) * outCb + ob0 + cob) * l.outH + oy0) * l.outW + ox0;
        w.store(tOut, dram, accTile * r + (bb * coN + cob) * l.tile.h * l.tile.w, l.tile.h, l.tile.w, l.outW);
      }
    }
    // The next tile of this region waits for this store; the last tile's store ends the layer.
    if (k + T < K || k === K - 1) w.push('st->ex');
  });
}
