/**
 * The values a tile or thread knob can take in a layer, each with the footprint the
 * layer would then have: what completion offers after `tile h=` or `threads oc=`.
 */
import type { VtaTarget } from '../isa/config';
import type { SchedOperator } from './ast';
import { divisors, tileRows, wholeBlockDivisors } from './footprint';
import { readLayer } from './layer';

export interface KnobChoice {
  value: number;
  /** Share of each buffer's depth the layer would use (all threads). */
  use: Record<'INP' | 'WGT' | 'ACC' | 'UOP', number>;
  fits: boolean;
}

/**
 * Choices for `key sub=` (e.g. `tile h=`) in `op`, with the layer's other knobs as
 * written; empty when the layer's shapes cannot be read. At most 64, smallest first.
 * `line` is the knob line's other `name=value` pairs as typed: a half-typed line does
 * not parse whole, so the tree may have lost them.
 */
export function knobChoices(
  op: SchedOperator,
  key: 'tile' | 'threads',
  sub: string,
  t: VtaTarget,
  line?: Record<string, number>,
): KnobChoice[] {
  // The layer without the knob being written, its line's other knobs as typed (the
  // recovering parser may have dropped the line, or its end).
  const at = op.nameRange;
  const typed =
    line &&
    Object.entries(line)
      .filter(([name]) => name !== sub)
      .map(([name, value]) => ({ name, nameRange: at, value: { kind: 'num' as const, value, range: at }, range: at }));
  const items = op.items.filter((it) => it.key !== key);
  const own = op.items.find((it) => it.key === key);
  items.push({
    key,
    keyRange: own?.keyRange ?? at,
    values: [],
    steps: [],
    range: own?.range ?? at,
    params: typed ?? own?.params.filter((p) => p.name !== sub) ?? [],
  });
  const l = readLayer({ ...op, items }, () => {});
  if (!l) return [];
  const perGroupIn = l.inChannels / l.groups;
  const perGroupOut = l.outChannels / l.groups;
  let values: number[];
  // A transposed convolution's tiles are multiples of the stride.
  const onStride = (xs: number[], stride: number) =>
    l.op === 'conv2d_transpose' ? xs.filter((x) => x % stride === 0) : xs;
  if (key === 'tile') {
    values =
      sub === 'b'
        ? wholeBlockDivisors(l.batch, t.batch, 64)
        : sub === 'h'
          ? onStride(divisors(l.outH, 64), l.strideH)
          : sub === 'w'
            ? onStride(divisors(l.outW, 64), l.strideW)
            : sub === 'ci'
              ? wholeBlockDivisors(perGroupIn, t.blockIn, 64)
              : sub === 'co'
                ? wholeBlockDivisors(perGroupOut, t.blockOut, 64)
                : [];
  } else {
    // Output-channel threads split the whole axis, across groups (TVM's group_conv2d_packed).
    const tiles = sub === 'oc' ? l.outChannels / l.tile.co : sub === 'h' ? l.outH / l.tile.h : NaN;
    values = Number.isInteger(tiles) ? divisors(tiles, 64) : [];
  }
  const depth = { INP: t.inp.depth, WGT: t.wgt.depth, ACC: t.acc.depth, UOP: t.uop.depth };
  return values.map((value) => {
    const tile = key === 'tile' ? { ...l.tile, [sub]: value } : l.tile;
    const threads = key === 'threads' ? { ...l.threads, [sub]: value } : l.threads;
    const rows = tileRows(l, t, tile);
    const n = threads.oc * threads.h;
    const use = {
      INP: (rows.INP * n) / depth.INP,
      WGT: (rows.WGT * n) / depth.WGT,
      ACC: (rows.ACC * n) / depth.ACC,
      UOP: (rows.UOP * n) / depth.UOP,
    };
    return { value, use, fits: Object.values(use).every((u) => u <= 1) };
  });
}
