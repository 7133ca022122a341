/** The hover text of a `.vtasched` layer: its tiling, footprint and traffic figures. */
import type { LayerFigures } from '../../core/analysis/schedule';

const n = (x: number) => x.toLocaleString('en-US');

function bytes(b: number): string {
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(2)} MiB`;
  if (b >= 1 << 10) return `${(b / (1 << 10)).toFixed(1)} KiB`;
  return `${b} B`;
}

export function layerFiguresMarkdown(f: LayerFigures): string {
  const l = f.layer;
  const threads = l.threads.oc * l.threads.h;
  const shape = l.op === 'conv2d'
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
  ].join('\n');
}
