/**
 * Reads one `.vtasched` operator block into a layer: shapes, padding, stride, tile
 * sizes, virtual threads and epilogue, with defaults filled in, and reports values
 * that are malformed or inconsistent with each other. A `dense` layer is read as the
 * 1x1 convolution of a 1x1 image that it is, so that one footprint model serves both.
 * A `conv2d_transpose` layer is TVM's: a convolution with stride 1 over the input
 * dilated by the stride (stride - 1 zeros between elements) and padded by KH-1-pad
 * (KW-1-pad) on each side, its output (H-1)*stride - 2*pad + KH rows.
 */
import type { Range } from '../lang/ast';
import type { SchedItem, SchedOperator, SchedValue } from './ast';
import type { SchedFix } from './keys';

export interface EpilogueStep {
  op: string;
  arg: number | undefined;
  range: Range;
  argRange: Range | undefined;
}

export interface Layer {
  op: 'conv2d' | 'conv2d_transpose' | 'dense';
  name: string;
  batch: number;
  inChannels: number;
  inH: number;
  inW: number;
  outChannels: number;
  kh: number;
  kw: number;
  padH: number;
  padW: number;
  strideH: number;
  strideW: number;
  groups: number;
  outH: number;
  outW: number;
  /** Tile sizes in elements (b) and channels (ci, co); h and w in output rows/columns. */
  tile: { b: number; h: number; w: number; ci: number; co: number };
  threads: { oc: number; h: number };
  epilogue: EpilogueStep[];
  /** Where each knob was written (for diagnostics); absent when it took its default. */
  where: Partial<
    Record<
      | 'input'
      | 'filter'
      | 'weight'
      | 'pad'
      | 'stride'
      | 'groups'
      | 'tile'
      | 'threads'
      | `tile.${'b' | 'h' | 'w' | 'ci' | 'co'}`
      | `threads.${'oc' | 'h'}`,
      Range
    >
  >;
  /** The operator's name, for diagnostics about the layer as a whole. */
  nameRange: Range;
}

type Report = (range: Range, code: string, message: string, fixes?: SchedFix[]) => void;

function numberOf(v: SchedValue | undefined, what: string, range: Range, report: Report): number | undefined {
  if (!v) {
    report(range, 'vtasched.value', `${what} needs a value`);
    return undefined;
  }
  if (v.kind !== 'num') {
    report(
      v.range,
      'vtasched.value',
      `${what} must be a number, not '${v.kind === 'dims' ? v.text : v.kind === 'name' ? v.name : v.value}'`,
    );
    return undefined;
  }
  if (!Number.isSafeInteger(v.value)) {
    report(v.range, 'vtasched.value', `${what} = ${v.value} is not an exact integer`);
    return undefined;
  }
  return v.value;
}

/** `input = 1x64x56x56`: exactly `count` positive dimensions. */
function dimsOf(item: SchedItem, count: number, names: string, report: Report): number[] | undefined {
  const v = item.values[0];
  if (!v || item.values.length !== 1 || v.kind !== 'dims') {
    report(
      v?.range ?? item.keyRange,
      'vtasched.value',
      `${item.key} must be ${count} dimensions ${names} written like ${Array(count).fill('16').join('x')}`,
    );
    return undefined;
  }
  const dims = v.dims;
  if (dims.length !== count) {
    report(v.range, 'vtasched.value', `${item.key} has ${dims.length} dimensions; it needs ${count} (${names})`);
    return undefined;
  }
  const bad = dims.findIndex((d) => !Number.isSafeInteger(d) || d < 1);
  if (bad >= 0) {
    report(
      v.range,
      'vtasched.value',
      `${item.key}: dimension ${bad + 1} is ${dims[bad]}; every dimension must be a positive integer`,
    );
    return undefined;
  }
  return dims;
}

/** `pad = 1` or `pad = 1,2` (h, w). */
function pairOf(item: SchedItem, min: number, report: Report): [number, number] | undefined {
  const vals = item.values.map((v) => numberOf(v, item.key, item.keyRange, report));
  if (item.values.length === 0 || item.values.length > 2) {
    report(item.keyRange, 'vtasched.value', `${item.key} takes one value or two (h,w), not ${item.values.length}`);
    return undefined;
  }
  if (vals.some((x) => x === undefined)) return undefined;
  const [h, w = h] = vals as number[];
  for (const [x, v] of [
    [h!, item.values[0]!],
    [w, item.values[1] ?? item.values[0]!],
  ] as const) {
    if (x < min) {
      report(v.range, 'vtasched.value', `${item.key} = ${x}: it must be at least ${min}`);
      return undefined;
    }
  }
  return [h!, w];
}

/**
 * The layer an operator block describes, or undefined when a shape is missing or
 * malformed (each problem reported). Tile sizes default to the whole layer and thread
 * counts to 1.
 */
export function readLayer(op: SchedOperator, report: Report): Layer | undefined {
  if (op.op !== 'conv2d' && op.op !== 'dense' && op.op !== 'conv2d_transpose') return undefined;
  const item = (key: string) => op.items.find((it) => it.key === key);
  const where: Layer['where'] = {};
  const transpose = op.op === 'conv2d_transpose';
  const isConv = op.op !== 'dense';
  const inputItem = item('input');
  const shapeItem = item(isConv ? 'filter' : 'weight');
  if (!inputItem || !shapeItem) return undefined; // reported as missing keys by the syntax check
  const input = dimsOf(inputItem, isConv ? 4 : 2, isConv ? 'N x C x H x W' : 'N x I', report);
  const shape = dimsOf(
    shapeItem,
    isConv ? 4 : 2,
    transpose ? 'I x O x KH x KW' : isConv ? 'O x I x KH x KW' : 'O x I',
    report,
  );
  where.input = inputItem.values[0]?.range;
  where[isConv ? 'filter' : 'weight'] = shapeItem.values[0]?.range;
  let pad: [number, number] = [0, 0];
  let stride: [number, number] = [1, 1];
  let groups = 1;
  let ok = input !== undefined && shape !== undefined;
  const padItem = item('pad');
  if (padItem) {
    where.pad = padItem.values[0]?.range ?? padItem.keyRange;
    const p = pairOf(padItem, 0, report);
    if (p) pad = p;
    else ok = false;
  }
  const strideItem = item('stride');
  if (strideItem) {
    where.stride = strideItem.values[0]?.range ?? strideItem.keyRange;
    const s = pairOf(strideItem, 1, report);
    if (s) stride = s;
    else ok = false;
  }
  const groupsItem = item('groups');
  if (groupsItem) {
    where.groups = groupsItem.values[0]?.range ?? groupsItem.keyRange;
    const g = numberOf(groupsItem.values[0], 'groups', groupsItem.keyRange, report);
    if (g === undefined) ok = false;
    else if (g < 1) {
      report(where.groups, 'vtasched.value', `groups = ${g}: it must be at least 1`);
      ok = false;
    } else groups = g;
  }
  const params = (key: 'tile' | 'threads'): Record<string, number> => {
    const out: Record<string, number> = {};
    const it = item(key);
    if (it) where[key] = it.range;
    for (const p of it?.params ?? []) {
      const v = numberOf(p.value, `${key} ${p.name}`, p.range, report);
      if (v === undefined) {
        ok = false;
        continue;
      }
      if (v < 1) {
        report(p.value!.range, 'vtasched.value', `${key} ${p.name}=${v}: it must be at least 1`);
        ok = false;
        continue;
      }
      out[p.name] = v;
      (where as Record<string, Range>)[`${key}.${p.name}`] = p.range;
    }
    return out;
  };
  const tile = params('tile');
  const threads = params('threads');
  const epilogue: EpilogueStep[] = [];
  for (const st of item('epilogue')?.steps ?? []) {
    let arg: number | undefined;
    if (st.arg) {
      if (st.arg.kind === 'num' && Number.isSafeInteger(st.arg.value)) arg = st.arg.value;
      else {
        report(st.arg.range, 'vtasched.value', `the argument of ${st.op} must be an integer`);
        ok = false;
      }
    } else {
      report(st.range, 'vtasched.value', `${st.op} needs an argument (e.g. \`${st.op} 8\`)`);
      ok = false;
    }
    epilogue.push({ op: st.op, arg, range: st.range, argRange: st.arg?.range });
  }
  if (!ok || !input || !shape) return undefined;

  const [batch, inChannels, inH, inW] = isConv
    ? (input as [number, number, number, number])
    : [input[0]!, input[1]!, 1, 1];
  // A transposed convolution's filter is written I x O (as Relay and PyTorch write it).
  const [outChannels, filterIn, kh, kw] = transpose
    ? [shape[1]!, shape[0]!, shape[2]!, shape[3]!]
    : isConv
      ? (shape as [number, number, number, number])
      : [shape[0]!, shape[1]!, 1, 1];
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    report(
      where.groups!,
      'vtasched.shape',
      `groups = ${groups} must divide the input channels (${inChannels}) and the output channels (${outChannels})`,
    );
    return undefined;
  }
  if (filterIn !== inChannels / groups) {
    const what = isConv ? 'filter' : 'weight';
    report(
      where[what]!,
      'vtasched.shape',
      `${what} has ${filterIn} input channels${transpose ? ' (its first dimension)' : ''}; the input has ${inChannels}${groups > 1 ? ` in ${groups} groups, ${inChannels / groups} per group` : ''}`,
    );
    return undefined;
  }
  if (transpose && (pad[0] >= kh || pad[1] >= kw)) {
    report(
      where.pad ?? op.nameRange,
      'vtasched.shape',
      `pad = ${pad[0]},${pad[1]}: a transposed convolution's padding must be smaller than its ${kh}x${kw} kernel`,
    );
    return undefined;
  }
  const outH = transpose
    ? (inH - 1) * stride[0] - 2 * pad[0] + kh
    : Math.floor((inH + 2 * pad[0] - kh) / stride[0]) + 1;
  const outW = transpose
    ? (inW - 1) * stride[1] - 2 * pad[1] + kw
    : Math.floor((inW + 2 * pad[1] - kw) / stride[1]) + 1;
  if (outH < 1 || outW < 1) {
    report(
      where.filter ?? where.input!,
      'vtasched.shape',
      `the ${kh}x${kw} filter is larger than the padded input (${inH + 2 * pad[0]}x${inW + 2 * pad[1]}): there is no output`,
    );
    return undefined;
  }
  return {
    op: op.op,
    name: op.name,
    batch,
    inChannels,
    inH,
    inW,
    outChannels,
    kh,
    kw,
    padH: pad[0],
    padW: pad[1],
    strideH: stride[0],
    strideW: stride[1],
    groups,
    outH,
    outW,
    tile: {
      b: tile.b ?? batch,
      h: isConv ? (tile.h ?? outH) : 1,
      w: isConv ? (tile.w ?? outW) : 1,
      ci: tile.ci ?? inChannels / groups,
      co: tile.co ?? outChannels / groups,
    },
    threads: { oc: threads.oc ?? 1, h: isConv ? (threads.h ?? 1) : 1 },
    epilogue,
    where,
    nameRange: op.nameRange,
  };
}

export type { Report as LayerReport };
