/**
 * An AutoTVM log written as `.vtasched` files (`vta import-autotvm`): one file per
 * target model, one layer per distinct tuned workload, named by operator and shape.
 * Each layer carries its record in a `; autotvm {...}` comment (what `vta
 * export-autotvm` reads back) and the time the board measured.
 */
import type { AutotvmRecord, ParsedLog, Workload } from './autotvm';

/** The epilogue of TVM's VTA tuning templates: right shift, clip to int8, cast. */
export const TUNING_EPILOGUE = 'epilogue shr 8, max 0, min 127';

/** The prefix of the comment that holds a layer's record. */
export const AUTOTVM_COMMENT = '; autotvm ';

export interface ImportedSchedule {
  model: string;
  text: string;
  /** Layers in file order, each with the record it holds (the fastest of its workload and knobs). */
  layers: Array<{ name: string; record: AutotvmRecord }>;
}

/** A layer name from the operator and shape: `conv2d_1x64x56x56_64x3x3_s1`. */
export function workloadName(w: Workload): string {
  if (w.op === 'dense') return `dense_${w.batch}x${w.inChannels}_${w.outChannels}`;
  const pad =
    w.padH !== Math.floor(w.kh / 2) || w.padW !== Math.floor(w.kw / 2)
      ? `_p${w.padH === w.padW ? w.padH : `${w.padH}_${w.padW}`}`
      : '';
  const stride = w.strideH === w.strideW ? `${w.strideH}` : `${w.strideH}_${w.strideW}`;
  const groups = w.groups > 1 ? `_g${w.groups}` : '';
  const filterIn = w.op === 'conv2d' ? w.inChannels / w.groups : w.inChannels;
  return `${w.op}_${w.batch}x${w.inChannels}x${w.inH}x${w.inW}_${w.outChannels}x${filterIn}x${w.kh}x${w.kw}_s${stride}${pad}${groups}`;
}

const ms = (s: number) => `${(s * 1000).toPrecision(4)} ms`;

function knobsKey(r: AutotvmRecord): string {
  return JSON.stringify([r.tile, r.threads]);
}

function layerBlock(r: AutotvmRecord, name: string): string[] {
  const w = r.workload;
  const tile = r.tile;
  if (w.op === 'dense') {
    return [
      `dense ${name} {`,
      `  input  = ${w.batch}x${w.inChannels}`,
      `  weight = ${w.outChannels}x${w.inChannels}`,
      `  tile   b=${tile.b} ci=${tile.ci} co=${tile.co}`,
      `  threads oc=${r.threads.oc}`,
      `  ${TUNING_EPILOGUE}`,
      '}',
    ];
  }
  const pair = (a: number, b: number) => (a === b ? `${a}` : `${a},${b}`);
  // conv2d: O x I/groups x KH x KW; conv2d_transpose: I x O x KH x KW (docs/reference/schedules.md).
  const filter =
    w.op === 'conv2d'
      ? `${w.outChannels}x${w.inChannels / w.groups}x${w.kh}x${w.kw}`
      : `${w.inChannels}x${w.outChannels}x${w.kh}x${w.kw}`;
  return [
    `${w.op} ${name} {`,
    `  input  = ${w.batch}x${w.inChannels}x${w.inH}x${w.inW}`,
    `  filter = ${filter}`,
    `  pad    = ${pair(w.padH, w.padW)}`,
    `  stride = ${pair(w.strideH, w.strideW)}`,
    ...(w.groups > 1 ? [`  groups = ${w.groups}`] : []),
    `  tile   b=${tile.b} h=${tile.h} w=${tile.w} ci=${tile.ci} co=${tile.co}`,
    `  threads oc=${r.threads.oc} h=${r.threads.h}`,
    `  ${TUNING_EPILOGUE}`,
    '}',
  ];
}

/**
 * One schedule per model in the log (in the order the models first appear). Records
 * with the same workload and knobs become one layer (every line named in its comment);
 * the same workload with other knobs becomes another layer, `NAME_alt2`, …, the
 * fastest record keeping the plain name, as TVM's ApplyHistoryBest would pick it.
 */
export function importAutotvm(log: ParsedLog, source: string): ImportedSchedule[] {
  const models = [...new Set(log.records.map((r) => r.model))];
  return models.map((model) => {
    const recs = log.records.filter((r) => r.model === model);
    // Workloads in order of first appearance; within one, distinct knobs fastest first.
    const byWorkload = new Map<string, Map<string, AutotvmRecord[]>>();
    for (const r of recs) {
      const wk = JSON.stringify(r.workload);
      let variants = byWorkload.get(wk);
      if (!variants) byWorkload.set(wk, (variants = new Map()));
      const kk = knobsKey(r);
      const same = variants.get(kk);
      if (same) same.push(r);
      else variants.set(kk, [r]);
    }
    const out: string[] = [
      `; Imported from ${source} by vta import-autotvm: ${byWorkload.size} tuned workload${byWorkload.size === 1 ? '' : 's'} for ${model}.`,
      '; Each layer is an AutoTVM record: `; autotvm {...}` holds its log line (vta export-autotvm reads it back),',
      '; and "measured" is the record\'s result, the seconds AutoTVM timed on the board (host-side runtime work included).',
      `target ${model}`,
      '',
    ];
    const names: ImportedSchedule['layers'] = [];
    const taken = new Set<string>();
    for (const variants of byWorkload.values()) {
      const groups = [...variants.values()].sort((a, b) => (a[0]!.seconds ?? Infinity) - (b[0]!.seconds ?? Infinity));
      const base = workloadName(groups[0]![0]!.workload);
      groups.forEach((group, i) => {
        let name = i === 0 ? base : `${base}_alt${i + 1}`;
        for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
        taken.add(name);
        const r = group[0]!;
        names.push({ name, record: r });
        const measured = r.seconds !== undefined ? `measured ${ms(r.seconds)}` : 'no successful measurement';
        out.push(`; ${r.task}, line ${r.line}: ${measured}`);
        for (const d of group.slice(1))
          out.push(
            `; also line ${d.line} (same workload and knobs${d.seconds !== undefined ? `, measured ${ms(d.seconds)}` : ''})`,
          );
        if (i > 0)
          out.push(
            `; the same workload as ${base} with other knobs: ApplyHistoryBest takes the fastest record (${base})`,
          );
        for (const note of r.notes) out.push(`; ${note}`);
        out.push(`${AUTOTVM_COMMENT}${r.text}`);
        out.push(...layerBlock(r, name), '');
      });
    }
    return { model, text: out.join('\n'), layers: names };
  });
}
