/**
 * Lowers one checked `.vtasched` layer to `.vta` text: the job VTA's JIT runtime does
 * for a TVM schedule, written out so that it can be read, checked, simulated and
 * stepped like any hand-written program.
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
import { regionTokens } from './region-tokens';

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

/** Lines of the layer: declarations (data and kernels) and instructions, kept apart so a file can put every declaration first. */
export interface LoweredLayer {
  declarations: string[];
  instructions: string[];
}

export function lowerLayer(f: LayerFigures, t: VtaTarget, opts: LowerLayerOptions): LoweredLayer {
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

  const decl: string[] = [];
  const out: string[] = [];
  const filterDims = l.op === 'conv2d' ? `${l.outChannels}x${l.inChannels / l.groups}x${l.kh}x${l.kw}` : `${l.outChannels}x${l.inChannels}`;
  decl.push(
    `; ---- ${id}: ${l.op} (${opts.origin}), input ${l.batch}x${l.inChannels}${l.op === 'conv2d' ? `x${l.inH}x${l.inW}` : ''}, ${l.op === 'conv2d' ? 'filter' : 'weight'} ${filterDims}`,
    `;      ${f.tiles.output} tiles of b=${l.tile.b} co=${l.tile.co} h=${l.tile.h} w=${l.tile.w}, ${f.tiles.ci} input-channel step(s) of ci=${l.tile.ci}, ${T} virtual thread(s)`,
    `data ${id}_in  : inp[${(l.batch / t.batch) * inCb * l.inH * l.inW}] = ${opts.values === 'zeros' ? 'zeros' : `random(seed=${opts.seed})`}`,
    `data ${id}_wgt : wgt[${outCb * inCbG * kk}] = ${opts.values === 'zeros' ? 'zeros' : `random(seed=${opts.seed + 1})`}`,
    `data ${id}_out : out[${(l.batch / t.batch) * outCb * l.outH * l.outW}]`,
    // GEMM kernel of region r: one micro-op per output column x.
    `kernel ${id}_gemm(r, bb, cib, ky, kx) {`,
    `  for x in 0..${l.tile.w} {`,
    `    uop dst=${accTile} * r + bb * ${rowsPerBatchBlock} + x src=${inpTile} * r + ((bb * ${ciN} + cib) * ${winH} + ky) * ${winW} + kx + x * ${l.strideW} wgt=${wgtTile} * r + (cib * ${l.kh} + ky) * ${l.kw} + kx`,
    '  }',
    '}',
    // Row kernel of region r: the reset GEMM reads only dst; the epilogue's ALU steps use an immediate.
    `kernel ${id}_row(r) {`,
    `  for bb in 0..${bN} {`,
    `    for x in 0..${l.tile.w} {`,
    `      uop dst=${accTile} * r + bb * ${rowsPerBatchBlock} + x src=${accTile} * r + bb * ${rowsPerBatchBlock} + x`,
    '    }',
    '  }',
    '}',
  );

  // Micro-ops of every region, loaded once (by the compute module, after the previous layer).
  if (opts.afterAnother) out.push('  pop  st->ex                       ; the previous layer has stored its last tile');
  // Placed from row 0 for each layer (not after the previous layer's kernels, which are done).
  let uopRow = 0;
  for (let r = 0; r < Math.min(T, f.tiles.output); r++) {
    out.push(`  load uop ${id}_row(${r}) sram=${uopRow}`);
    uopRow += bN * l.tile.w;
    for (let bb = 0; bb < bN; bb++) for (let cib = 0; cib < ciN; cib++) for (let ky = 0; ky < l.kh; ky++) for (let kx = 0; kx < l.kw; kx++) {
      out.push(`  load uop ${id}_gemm(${r}, ${bb}, ${cib}, ${ky}, ${kx}) sram=${uopRow}`);
      uopRow += l.tile.w;
    }
  }
  if (opts.afterAnother) out.push('  push ex->ld                       ; its loads may now reuse the buffers');

  const gemmArgs = `outer=${coN} dst_out=${l.tile.h * l.tile.w} wgt_out=${ciN * kk} inner=${l.tile.h} dst_in=${l.tile.w} src_in=${l.strideH * winW}`;
  const rowArgs = `outer=${coN} dst_out=${l.tile.h * l.tile.w} src_out=${l.tile.h * l.tile.w} inner=${l.tile.h} dst_in=${l.tile.w} src_in=${l.tile.w}`;
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
    if (first) out.push(`${id}_tile${k}:                            ; tile ${k}: batch ${bb0 * t.batch}.., channels ${ob0 * t.blockOut}.., rows ${oy0}.., columns ${ox0}.. (region ${r})`);
    else out.push(`                                      ; tile ${k}, input channels ${(g * inCbG + c * ciN) * t.blockIn}..`);
    // Load module: wait for the compute that last read this region (and, for a layer after
    // another, for that layer's compute to be done), then fill it.
    if (opts.afterAnother && step === 0) out.push('  pop  ex->ld');
    // An instruction pops a queue at most once: earlier pops ride on nops.
    for (let n = 1; n < tokens.pops[step]!; n++) out.push('  pop  ex->ld', '  nop  ld');
    if (tokens.pops[step]) out.push('  pop  ex->ld');
    const ib0 = c * ciN; // first input-channel block within the group
    if (flat) {
      out.push(`  load inp sram=${inpTile * r} dram=${id}_in + ${bb0 * inCb + g * inCbG + ib0} y=${bN} x=${ciN} stride=${inCb}`);
    } else {
      const y0 = oy0 * l.strideH - l.padH;
      const x0 = ox0 * l.strideW - l.padW;
      const top = Math.max(0, -y0);
      const bottom = Math.max(0, y0 + winH - l.inH);
      const left = Math.max(0, -x0);
      const right = Math.max(0, x0 + winW - l.inW);
      const pad = top || bottom || left || right ? ` pad=${top},${bottom},${left},${right}` : '';
      for (let bb = 0; bb < bN; bb++) for (let cib = 0; cib < ciN; cib++) {
        const plane = (bb0 + bb) * inCb + g * inCbG + ib0 + cib;
        const dram = (plane * l.inH + y0 + top) * l.inW + x0 + left;
        out.push(`  load inp sram=${inpTile * r + (bb * ciN + cib) * winH * winW} dram=${id}_in + ${dram} y=${winH - top - bottom} x=${winW - left - right} stride=${l.inW}${pad}`);
      }
    }
    out.push(`  load wgt sram=${wgtTile * r} dram=${id}_wgt + ${(ob0 * inCbG + ib0) * kk} y=${coN} x=${ciN * kk} stride=${inCbG * kk}`);
    out.push('  push ld->ex');
    // Compute module.
    if (first && k >= T) out.push('  pop  st->ex                       ; the store of this region\'s previous tile is done');
    out.push('  pop  ld->ex');
    if (first) out.push(`  gemm ${id}_row(${r}) reset ${rowArgs}`);
    for (let bb = 0; bb < bN; bb++) for (let cib = 0; cib < ciN; cib++) for (let ky = 0; ky < l.kh; ky++) for (let kx = 0; kx < l.kw; kx++) {
      out.push(`  gemm ${id}_gemm(${r}, ${bb}, ${cib}, ${ky}, ${kx}) ${gemmArgs}`);
    }
    if (tokens.push[step]) out.push('  push ex->ld');
    if (!last) return;
    for (const e of l.epilogue) out.push(`  alu ${e.op} ${id}_row(${r}) imm=${e.arg} ${rowArgs}`);
    out.push('  push ex->st');
    // Store module.
    out.push('  pop  ex->st');
    if (flat) {
      out.push(`  store out sram=${accTile * r} dram=${id}_out + ${bb0 * outCb + ob0} y=${bN} x=${coN} stride=${outCb}`);
    } else {
      for (let bb = 0; bb < bN; bb++) for (let cob = 0; cob < coN; cob++) {
        const dram = (((bb0 + bb) * outCb + ob0 + cob) * l.outH + oy0) * l.outW + ox0;
        out.push(`  store out sram=${accTile * r + (bb * coN + cob) * l.tile.h * l.tile.w} dram=${id}_out + ${dram} y=${l.tile.h} x=${l.tile.w} stride=${l.outW}`);
      }
    }
    // The next tile of this region waits for this store; the last tile's store ends the layer.
    if (k + T < K || k === K - 1) out.push('  push st->ex');
  });
  return { declarations: decl, instructions: out };
}
