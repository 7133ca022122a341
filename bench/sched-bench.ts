/**
 * Schedule benchmark: what the editor and the estimators do with a `.vtasched` file.
 * The lint of a 70-layer network on every keystroke; for one layer, the full path
 * (lower to `.vta` text, assemble, every program check, timing run: what `vta estimate`
 * did before the lowering built programs directly) stage by stage, the editor's tier
 * now (direct program, checks, timing run), and the fast estimate (`estimateLayer`:
 * direct program, timing run); then every shipped layer estimated both ways.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleText } from '../core/asm';
import { checkProgram } from '../core/analysis/check';
import {
  estimateLayer,
  estimateNetworks,
  layerStream,
  lintSchedule,
  loweredProgram,
  lowerSchedule,
  parseSchedule,
  type SchedOperator,
} from '../core/schedule';
import { checkLoweredLayer, checkLoweredLayers } from '../core/schedule/lowered-checks';
import { simulate } from '../core/sim';
import { round, time as timeRaw } from './timing';

const time = (f: () => void, runs: number) => round(timeRaw(f, runs));

/** The full path of one layer: its `.vta` text (zero values), assembled, checked and run timing-only. */
function fullPath(text: string): number {
  const asm = assembleText(text, { file: 'l.vta' });
  checkProgram(asm.program!, 'l.vta', asm.diagnostics);
  return simulate(asm.program!, { mode: 'timing', trace: false }).time;
}

export function runSchedBench() {
  // Run from the repository root (npm run bench), bundled or not.
  const shipped = readFileSync(join(process.cwd(), 'test/fixtures/schedules/resnet18-untuned.vtasched'), 'utf8');
  // Ten copies of the shipped network's layers, renamed.
  const body = shipped.slice(shipped.indexOf('conv2d'));
  const big = `target default\n${Array.from({ length: 10 }, (_, i) => body.replace(/^(conv2d|dense) (\w+)/gm, `$1 $2_${i}`)).join('\n')}`;
  const runs = 9;
  const lintMs = time(() => lintSchedule(parseSchedule(big)), runs);
  const ast = parseSchedule(shipped);
  const lint = lintSchedule(ast);
  const t = lint.target!;
  const layer = 'c11';
  const figures = lint.layers.find((f) => f.layer.name === layer)!;
  let text = '';
  const lowerTextMs = time(() => {
    text = lowerSchedule(ast, lint, { file: 'r.vtasched', layer, values: 'zeros' }).text!;
  }, runs);
  let program = assembleText(text, { file: 'l.vta' }).program!;
  const assembleMs = time(() => {
    program = assembleText(text, { file: 'l.vta' }).program!;
  }, runs);
  const checkMs = time(() => checkProgram(program, 'l.vta'), runs);
  let cycles = 0;
  const timingMs = time(() => {
    cycles = simulate(program, { mode: 'timing', trace: false }).time;
  }, runs);
  const fullPathMs = time(
    () => fullPath(lowerSchedule(ast, lint, { file: 'r.vtasched', layer, values: 'zeros' }).text!),
    runs,
  );
  // The direct path's stages.
  const streamMs = time(() => layerStream(figures, t, { file: 'r.vtasched' }), 100);
  const stream = layerStream(figures, t, { file: 'r.vtasched' });
  const directProgramMs = time(() => loweredProgram(stream, t, { data: false, checkFields: false }), 100);
  const direct = loweredProgram(stream, t, { data: false }).program;
  const directTimingMs = time(() => simulate(direct, { mode: 'timing', trace: false, kernel: 'js' }), 100);
  let fast = 0;
  const estimateMs = time(() => {
    const e = estimateLayer(figures.layer, t);
    if (!('errors' in e)) fast = e.cycles;
  }, 100);
  if (fast !== cycles) throw new Error(`the fast estimate (${fast} cycles) differs from the full path (${cycles})`);
  const op = ast.statements.find((s): s is SchedOperator => s.kind === 'operator' && s.name === layer)!;
  const editorTierMs = time(() => checkLoweredLayer(ast, lint, op, { file: 'r.vtasched' }), runs);
  // Every shipped layer that lints clean, estimated both ways, back to back.
  const clean = lint.layers.filter((f) => !('errors' in estimateLayer(f.layer, t)));
  const texts = clean.map(
    (f) => lowerSchedule(ast, lint, { file: 'r.vtasched', layer: f.layer.name, values: 'zeros' }).text!,
  );
  const allFullMs = time(() => texts.forEach(fullPath), 3);
  const allFastMs = time(() => clean.forEach((f) => estimateLayer(f.layer, t)), runs);
  // The whole shipped ResNet-18 network (10 layers, 19 convolutions): each layer estimated
  // once on the fast path and summed, against every layer's lowered checks (vta check's work).
  const net = parseSchedule(readFileSync(join(process.cwd(), 'examples/resnet18.vtasched'), 'utf8'));
  const netLint = lintSchedule(net);
  let fps = 0;
  const networkMs = time(() => {
    fps = estimateNetworks(net, netLint)[0]!.framesPerSecond;
  }, runs);
  const networkChecksMs = time(() => checkLoweredLayers(net, netLint, { file: 'resnet18.vtasched' }), 3);
  return {
    node: process.version,
    network: {
      file: 'examples/resnet18.vtasched',
      layers: netLint.layers.length,
      framesPerSecond: Math.round(fps * 100) / 100,
      estimateNetworksMs: networkMs,
      everyLayerLoweredChecksMs: networkChecksMs,
    },
    lint: {
      layers: parseSchedule(big).statements.filter((s) => s.kind === 'operator').length,
      lines: big.split('\n').length,
      parseAndLintMs: lintMs,
    },
    oneLayer: {
      layer,
      instructions: program.insns.length,
      cycles,
      fullPath: { totalMs: fullPathMs, lowerTextMs, assembleMs, checkMs, timingMs },
      direct: { streamMs, programMs: directProgramMs, timingMs: directTimingMs },
      estimateLayerMs: estimateMs,
      speedup: {
        best: Math.round(fullPathMs.best / estimateMs.best),
        median: Math.round(fullPathMs.median / estimateMs.median),
      },
      editorTierMs,
    },
    shippedLayers: {
      layers: clean.map((f) => f.layer.name),
      fullPathMs: allFullMs,
      estimateLayerMs: allFastMs,
      fastEstimatesPerSecond: Math.round((1000 * clean.length) / allFastMs.best),
      fullEstimatesPerSecond: Math.round(((1000 * clean.length) / allFullMs.best) * 10) / 10,
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(runSchedBench(), null, 2));
}
