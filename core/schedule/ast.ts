/**
 * The `.vtasched` syntax tree (vta-schedule.md): a target line and operator blocks
 * (`conv2d NAME { ... }`, `dense NAME { ... }`) whose items are `key = value`,
 * `key k=v k=v` or `epilogue op N, op N` lines. Ranges are 0-based, as in `.vta`.
 */
import type { Range } from '../lang/ast';

/** A value as written: a number, `AxBxC` dimensions, a list `1,1`, a name or a string. */
export type SchedValue =
  | { kind: 'num'; value: number; range: Range }
  | { kind: 'dims'; dims: number[]; text: string; range: Range }
  | { kind: 'name'; name: string; range: Range }
  | { kind: 'string'; value: string; range: Range };

export interface SchedParam {
  name: string;
  nameRange: Range;
  value?: SchedValue;
  range: Range;
}

/** One line inside an operator block. */
export interface SchedItem {
  key: string;
  keyRange: Range;
  /** `key = v[, v…]`. */
  values: SchedValue[];
  /** `key a=1 b=2`. */
  params: SchedParam[];
  /** `epilogue shr 8, max 0`: each step is an op name and its argument. */
  steps: Array<{ op: string; opRange: Range; arg?: SchedValue; range: Range }>;
  range: Range;
}

export interface SchedOperator {
  kind: 'operator';
  /** `conv2d`, `dense`, `conv2d_transpose`, … (validated later). */
  op: string;
  opRange: Range;
  name: string;
  nameRange: Range;
  items: SchedItem[];
  range: Range;
  headerRange: Range;
}

export interface SchedTarget {
  kind: 'target';
  value: string;
  /** `target "path/vta_config.json"` (a file) rather than `target NAME`. */
  quoted: boolean;
  valueRange: Range;
  range: Range;
}

/**
 * One line of a network: a layer of the file (`c2 repeat=4`), or an operator that
 * stays on the CPU (`cpu maxpool us=1200`), with `key=value` parameters.
 */
export interface SchedNetworkEntry {
  /** The word before the name (`cpu` in `cpu maxpool`; anything else is reported), if any. */
  prefix: { text: string; range: Range } | undefined;
  name: string;
  nameRange: Range;
  params: SchedParam[];
  range: Range;
}

/** `network NAME { entries }`: the layers of a network in order, with repeat counts and CPU operators. */
export interface SchedNetwork {
  kind: 'network';
  name: string;
  nameRange: Range;
  entries: SchedNetworkEntry[];
  range: Range;
  headerRange: Range;
}

export type SchedStmt = SchedOperator | SchedTarget | SchedNetwork;

export interface SchedFile {
  statements: SchedStmt[];
  comments: Array<{ text: string; range: Range }>;
  errors: Array<{ message: string; range: Range }>;
}
