/**
 * The keys a `.vtasched` operator block accepts, with their docs: the one table that
 * completion, hover and the key check read.
 */
import type { SchedFile } from './ast';
import type { Range } from '../lang/ast';
import { ALU_OP_NAMES } from '../isa/fields';

export interface SchedKeySpec {
  key: string;
  doc: string;
  /** Sub-keys of the `key a=1 b=2` form. */
  params?: Record<string, string>;
  required?: boolean;
}

const TILE_PARAMS: Record<string, string> = {
  b: 'Batch tile (a multiple of BATCH).',
  h: 'Output rows per tile (tile_h).',
  w: 'Output columns per tile (tile_w).',
  ci: 'Input channels per tile (a multiple of BLOCK_IN).',
  co: 'Output channels per tile (a multiple of BLOCK_OUT).',
};

const THREAD_PARAMS: Record<string, string> = {
  oc: 'Virtual threads over output channels (oc_nthread).',
  h: 'Virtual threads over output rows (h_nthread).',
};

const EPILOGUE: SchedKeySpec = {
  key: 'epilogue',
  doc: 'ALU operations fused after the GEMM, in order (`shr 8, max 0, min 127`); the result is then stored as int8.',
};

/** Keys that the convolutions share. */
const IMAGE_INPUT: SchedKeySpec = { key: 'input', required: true, doc: 'Input shape N x C x H x W.' };
const PAD: SchedKeySpec = { key: 'pad', doc: 'Zero padding: `pad = P` or `pad = PH,PW` (default 0).' };
const STRIDE: SchedKeySpec = { key: 'stride', doc: 'Stride: `stride = S` or `stride = SH,SW` (default 1).' };
const CONV_TILE: SchedKeySpec = { key: 'tile', doc: 'Tile sizes in elements / channels.', params: TILE_PARAMS };
const CONV_THREADS: SchedKeySpec = { key: 'threads', doc: 'Virtual threads (latency hiding).', params: THREAD_PARAMS };

export const SCHED_OPERATORS: Record<string, { doc: string; keys: SchedKeySpec[] }> = {
  conv2d: {
    doc: 'A 2-D convolution (NCHW): `conv2d NAME { input, filter, pad, stride, tile, threads, epilogue }`.',
    keys: [
      IMAGE_INPUT,
      { key: 'filter', required: true, doc: 'Filter shape O x I x KH x KW.' },
      PAD,
      STRIDE,
      { key: 'groups', doc: 'Group count for a group convolution (default 1).' },
      CONV_TILE,
      CONV_THREADS,
      EPILOGUE,
    ],
  },
  conv2d_transpose: {
    doc: 'A transposed 2-D convolution (NCHW).',
    keys: [
      IMAGE_INPUT,
      { key: 'filter', required: true, doc: 'Filter shape I x O x KH x KW.' },
      PAD,
      STRIDE,
      CONV_TILE,
      CONV_THREADS,
      EPILOGUE,
    ],
  },
  dense: {
    doc: 'A fully connected layer: `dense NAME { input, weight, tile, threads, epilogue }`.',
    keys: [
      { key: 'input', required: true, doc: 'Input shape N x I.' },
      { key: 'weight', required: true, doc: 'Weight shape O x I.' },
      {
        key: 'tile',
        doc: 'Tile sizes: b, ci, co.',
        params: { b: TILE_PARAMS.b!, ci: TILE_PARAMS.ci!, co: TILE_PARAMS.co! },
      },
      { key: 'threads', doc: 'Virtual threads over output channels.', params: { oc: THREAD_PARAMS.oc! } },
      EPILOGUE,
    ],
  },
};

/** Epilogue steps are ALU operations: the ISA's names (mul needs HW_VER 0.0.2, which the lint checks). */
export const SCHED_EPILOGUE_OPS: readonly string[] = ALU_OP_NAMES;

/** A quick fix: text edits within the schedule file. */
export interface SchedFix {
  title: string;
  edits: Array<{ range: Range; newText: string }>;
}

export interface SchedDiagnostic {
  range: Range;
  severity: 'error' | 'warning';
  code: string;
  message: string;
  fixes?: SchedFix[];
}

/** Syntax errors plus unknown operators/keys/sub-keys and missing required keys. */
export function checkScheduleSyntax(file: SchedFile): SchedDiagnostic[] {
  const out: SchedDiagnostic[] = file.errors.map((e) => ({
    range: e.range,
    severity: 'error' as const,
    code: 'vtasched.syntax.error',
    message: e.message,
  }));
  for (const s of file.statements) {
    if (s.kind !== 'operator') continue;
    const spec = SCHED_OPERATORS[s.op];
    if (!spec) {
      out.push({
        range: s.opRange,
        severity: 'error',
        code: 'vtasched.name.operator',
        message: `unknown operator '${s.op}': expected ${Object.keys(SCHED_OPERATORS).join(', ')}`,
      });
      continue;
    }
    const seen = new Set<string>();
    for (const it of s.items) {
      const k = spec.keys.find((x) => x.key === it.key);
      if (!k) {
        out.push({
          range: it.keyRange,
          severity: 'error',
          code: 'vtasched.name.key',
          message: `unknown key '${it.key}' in ${s.op}: expected ${spec.keys.map((x) => x.key).join(', ')}`,
        });
        continue;
      }
      if (seen.has(it.key))
        out.push({
          range: it.keyRange,
          severity: 'error',
          code: 'vtasched.name.duplicate',
          message: `'${it.key}' is given twice`,
        });
      seen.add(it.key);
      for (const p of it.params) {
        if (!k.params || !(p.name in k.params)) {
          out.push({
            range: p.nameRange,
            severity: 'error',
            code: 'vtasched.name.key',
            message: `unknown ${it.key} key '${p.name}'${k.params ? `: expected ${Object.keys(k.params).join(', ')}` : ''}`,
          });
        }
      }
      for (const st of it.steps) {
        if (it.key === 'epilogue' && !SCHED_EPILOGUE_OPS.includes(st.op)) {
          out.push({
            range: st.opRange,
            severity: 'error',
            code: 'vtasched.name.alu',
            message: `unknown ALU operation '${st.op}': expected ${SCHED_EPILOGUE_OPS.join(', ')}`,
          });
        }
      }
    }
    for (const k of spec.keys) {
      if (k.required && !seen.has(k.key)) {
        out.push({
          range: s.nameRange,
          severity: 'error',
          code: 'vtasched.missing',
          message: `${s.op} '${s.name}' needs '${k.key}'`,
        });
      }
    }
  }
  return out;
}
