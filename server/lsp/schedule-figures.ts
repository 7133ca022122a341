/** The hover text of a `.vtasched` layer: its tiling, footprint and traffic figures. */
import type { LayerFigures } from '../../core/schedule';
import type { LayerEstimate } from '../../core/schedule/lowered-checks';

const n = (x: number) => x.toLocaleString('en-US');

function bytes(b: number): string {
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(2)} MiB`;
  if (b >= 1 << 10) return `${(b / (1 << 10)).toFixed(1)} KiB`;
  return `${b} B`;
}

/** The timing model's estimate of a layer, in one line (the inlay hint's text too). */
export function estimateText(e: LayerEstimate): string {
  const time = e.microseconds !== undefined ? ` (${e.microseconds.toFixed(0)} µs)` : '';
  return `≈ ${n(e.cycles)} cycles${time}, GEMM ${Math.round(e.gemmUtilisation * 100)}%`;
}

function estimateMarkdown(e: LayerEstimate, f: LayerFigures): string {
  return [
    `**Estimate** (${e.timingRow ? `the \`${e.timingRow}\` timing model` : 'timing model'}, lowered to ${n(e.instructions)} instructions): ${estimateText(e)}; ` +
      `DRAM ${bytes(e.dramReadBytes)} read, ${bytes(e.dramWriteBytes)} written. ` +
      `GEMM alone needs ${n(f.gemmIterations)} cycles, so the layer runs at ${Math.round((f.gemmIterations / Math.max(1, e.cycles)) * 100)}% of that bound.`,
  ].join('\n');
}

export function layerFiguresMarkdown(f: LayerFigures, e?: LayerEstimate, skipped?: number): string {
  const l = f.layer;
  const threads = l.threads.oc * l.threads.h;
  const shape =
    l.op === 'conv2d'
      ? `${l.batch}x${l.inChannels}x${l.inH}x${l.inW} → ${l.batch}x${l.outChannels}x${l.outH}x${l.outW}`
      : `${l.batch}x${l.inChannels} → ${l.batch}x${l.outChannels}`;
  const rows = f.buffers.map((u) => {
    const pct = Math.round((u.total / u.depth) * 100);
    return `| ${u.buffer} | ${n(u.perTile)} | ${n(u.total)} | ${n(u.depth)} | ${pct}%${u.total > u.depth ? ' **over**' : ''} |`;
  });
  const t = f.tiles;
  return [
    `**Layer figures** (${shape})`,
    '',
    `${n(t.output)} output tile${t.output === 1 ? '' : 's'} (${l.groups > 1 ? `${t.groups} groups x ` : ''}${t.b} batch x ${t.co} channel x ${t.h} row x ${t.w} column), ` +
      `each over ${t.ci} input-channel step${t.ci === 1 ? '' : 's'}; input window per tile ${f.window.h}x${f.window.w}; ${threads} virtual thread${threads === 1 ? '' : 's'}.`,
    '',
    '| buffer | one tile | x threads | depth | use |',
    '|---|---:|---:|---:|---:|',
    ...rows,
    '',
    `DRAM traffic: input ${bytes(f.traffic.input)}, weights ${bytes(f.traffic.weight)}, output ${bytes(f.traffic.output)}. ` +
      `GEMM: ${n(f.gemmIterations)} micro-op iterations (at one per cycle, at least that many cycles).`,
    ...(e ? ['', estimateMarkdown(e, f)] : []),
    ...(skipped !== undefined
      ? [
          '',
          `Not estimated: the lowered layer would have about ${n(skipped)} instructions (the editor estimates layers up to 200,000; \`vta lower\` + \`vta sim\` run any size).`,
        ]
      : []),
  ].join('\n');
}
