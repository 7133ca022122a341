/**
 * `vta sim`: run a program on the simulator and write what it produced — the final
 * DRAM image, fsim's counters, a Chrome/Perfetto trace, a summary.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostic, hasErrors } from '../../../core/lang/diagnostic';
import { defaultTarget } from '../../../core/isa';
import type { SimMode, SimOptions, SimSummary } from '../../../core/sim';
import { Simulator, TIMING_ROWS, toChromeTrace } from '../../../core/sim';
import { count, num } from '../../../core/lang/count';
import type { CliCommand, CliIO } from '../command';
import { UsageError } from '../command';
import { assembleFile, loadBinaries, resolveTargetOption } from '../load';
import { MODULE_WORDS, pct, shortSummary } from '../../sim-summary';

const HELP = `usage: vta sim FILE.vta [--mode M] [--target NAME|FILE] [--timing MODEL] [--seed N]
         [--max-cycles N] [--max-steps N] [--dump-dram OUT.bin] [--counters OUT.json]
         [--trace OUT.json] [--sim-trace OUT.json] [--trace-limit N] [--stats | --quiet]
       vta sim --insn X.insn.bin [--dram X.dram.bin] [the same options]

Runs a program on the VTA simulator: fsim's functional semantics (what fsim computes,
bit for bit, including where fsim aborts) and, in timing mode, an ESTIMATE of cycles.
Prints a short summary: how the run ended, its cycles and time, the instructions that
ran and how busy each module, the GEMM core and the DRAM bus were.

Options:
  --mode M            functional (no cycles), timing (cycles only, no data), or both
                      (default: both)
  --target NAME|FILE  shipped target or vta_config.json (default: the program's target)
  --timing MODEL      the timing model's latencies (default: the target's own; one of
                      ${TIMING_ROWS.join(', ')})
  --seed N            functional mode: choose among ready modules with a seeded PRNG
                      instead of program order (results of race-free programs do not change)
  --max-cycles N      stop before cycle N (timing), or after N instructions (functional)
  --max-steps N       stop after N scheduler steps
  --dump-dram OUT.bin write the final DRAM image
  --counters OUT.json write fsim's seven counters (inp_load_nbytes … alu_counter)
  --trace OUT.json    write a Chrome trace-event file (open it in ui.perfetto.dev): a track
                      per module, flows from each push to its pop, counters for tokens
                      and live buffer rows
  --sim-trace OUT.json write the simulator's own trace format (JSON)
  --trace-limit N     keep at most N instruction records in traces (default 200000)
  --stats             print every figure instead of the short summary: stalls per module
                      and cause, token queues, fsim's counters
  --quiet             print nothing but errors (no summary, no progress lines)

Exit status: 0 when FINISH ran; 1 on an assembly error, a simulation error or a deadlock
(printed as file:line:col: error CODE: message) or when a limit stopped the run;
2 on a usage error.`;

const MODES: readonly SimMode[] = ['functional', 'timing', 'both'];

function intOption(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} ${v}: expected a non-negative integer`);
  return n;
}

export const simCommand: CliCommand = {
  name: 'sim',
  summary: 'simulate a program (fsim semantics, timing estimate, traces)',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        insn: { type: 'string' },
        dram: { type: 'string' },
        mode: { type: 'string' },
        target: { type: 'string' },
        timing: { type: 'string' },
        seed: { type: 'string' },
        'max-cycles': { type: 'string' },
        'max-steps': { type: 'string' },
        'dump-dram': { type: 'string' },
        counters: { type: 'string' },
        trace: { type: 'string' },
        'sim-trace': { type: 'string' },
        'trace-limit': { type: 'string' },
        stats: { type: 'boolean' },
        quiet: { type: 'boolean' },
      },
    });
    const mode = (values.mode ?? 'both') as SimMode;
    if (!MODES.includes(mode)) throw new UsageError(`--mode ${values.mode}: expected functional, timing or both`);
    if (values.timing !== undefined && !TIMING_ROWS.includes(values.timing)) {
      throw new UsageError(`--timing ${values.timing}: not a timing model; expected one of ${TIMING_ROWS.join(', ')}`);
    }
    if ((positionals.length === 1) === (values.insn !== undefined)) {
      throw new UsageError('give either one FILE.vta or --insn X.insn.bin (with --dram X.dram.bin)');
    }
    if (values.dram !== undefined && values.insn === undefined) throw new UsageError('--dram goes with --insn');
    const target = resolveTargetOption(values.target, io.cwd);
    const loaded =
      values.insn !== undefined
        ? loadBinaries(values.insn, values.dram, io.cwd, target ?? defaultTarget())
        : assembleFile(positionals[0]!, io.cwd, target);
    for (const d of loaded.diagnostics) if (d.severity !== 'info') io.stderr(formatDiagnostic(d) + '\n');
    if (!loaded.program || hasErrors(loaded.diagnostics)) {
      io.stderr(`vta sim: ${loaded.file} was not simulated (see the errors above)\n`);
      return 1;
    }
    const program = loaded.program;
    const seed = intOption('seed', values.seed);
    const traceLimit = intOption('trace-limit', values['trace-limit']);
    const wantTrace = values.trace !== undefined || values['sim-trace'] !== undefined;
    const opts: SimOptions = {
      mode,
      timing: values.timing,
      interleaving: seed === undefined ? 'program-order' : { seed },
      maxCycles: intOption('max-cycles', values['max-cycles']),
      maxSteps: intOption('max-steps', values['max-steps']),
      trace: wantTrace ? (traceLimit !== undefined ? { maxInsns: traceLimit } : true) : false,
      snapshots: false,
      progressEveryMs: 1000,
    };
    if (!values.quiet) {
      opts.progress = (p) =>
        io.stderr(
          `vta sim: ${num(p.executed)} of ${count(p.total, 'instruction')} started, ${mode === 'functional' ? 'step' : 'cycle'} ${num(p.time)}\n`,
        );
    }
    if (mode === 'functional' && opts.maxCycles !== undefined) {
      // Functional time counts executed instructions.
      opts.maxSteps = Math.min(opts.maxSteps ?? Infinity, opts.maxCycles);
      opts.maxCycles = undefined;
    }
    let sim: Simulator;
    try {
      sim = new Simulator(program, opts);
    } catch (e) {
      if ((e as Error).name === 'SimError') {
        io.stderr(`${loaded.file}: error vta.sim.${(e as { code: string }).code}: ${(e as Error).message}\n`);
        return 1;
      }
      throw e;
    }
    const reason = sim.run();
    const result = sim.result(reason);
    const out = (p: string) => resolve(io.cwd, p);
    if (values['dump-dram']) writeFileSync(out(values['dump-dram']), result.dram);
    if (values.counters) writeFileSync(out(values.counters), JSON.stringify(result.counters, null, 2) + '\n');
    if (wantTrace) {
      const trace = sim.trace();
      if (values.trace) writeFileSync(out(values.trace), JSON.stringify(toChromeTrace(trace, program)));
      if (values['sim-trace']) writeFileSync(out(values['sim-trace']), JSON.stringify(trace));
    }
    if (values.stats) io.stdout(formatStats(result.summary));
    else if (!values.quiet) io.stdout(shortSummary(loaded.file, result.summary));
    for (const w of result.summary.warnings) io.stderr(`vta sim: warning: ${w}\n`);
    if (result.error) {
      io.stderr(result.error.format(loaded.file, 'vta.sim.') + '\n');
      return 1;
    }
    if (result.status !== 'finished') {
      const unit = sim.timeUnit === 'cycle' ? 'cycle' : 'step';
      io.stderr(
        `${loaded.file}: error vta.sim.${reason}: the run reached ${STOP_WORDS[reason] ?? reason} at ${unit} ${num(result.time)}, before FINISH\n`,
      );
      return 1;
    }
    return 0;
  },
};

const STOP_WORDS: Record<string, string> = {
  'cycle-limit': 'the --max-cycles limit',
  'step-limit': 'the --max-steps limit',
  cancelled: 'a cancellation',
};
const STALL_WORDS: Record<string, string> = { token: 'tokens', dram: 'DRAM', fetch: 'instruction fetch' };

/** `--stats`: every figure of the summary. */
function formatStats(s: SimSummary): string {
  const lines: string[] = [];
  const unit = s.timeUnit === 'cycle' ? 'cycle' : 'step';
  lines.push(`status        ${s.status}`);
  lines.push(
    `time          ${count(s.time, unit)}${s.estimate ? ` (estimate of the ${s.timingRow} timing model${s.microseconds !== undefined ? `, ${s.microseconds} µs` : ''})` : ''}`,
  );
  lines.push(`instructions  ${num(s.instructions.executed)} of ${num(s.instructions.total)} ran`);
  for (const [m, v] of Object.entries(s.modules)) {
    const stalls = Object.entries(v.stalls)
      .filter(([, n]) => n > 0)
      .map(([c, n]) => `${STALL_WORDS[c] ?? c} ${num(n)}`)
      .join(', ');
    lines.push(
      `  ${(MODULE_WORDS[m] ?? m).padEnd(8)} ${count(v.executed, 'instruction').padStart(17)}, busy ${num(v.busy)} (${pct(v.utilisation)})${stalls ? `, waiting on ${stalls}` : ''}`,
    );
  }
  lines.push(
    `GEMM          ${count(s.gemm.uopIterations, 'micro-op iteration')}, ${num(s.gemm.macs)} multiply-adds${s.gemm.utilisation !== undefined ? `, core busy ${pct(s.gemm.utilisation)}` : ''}`,
  );
  lines.push(
    `ALU           ${count(s.alu.uopIterations, 'micro-op iteration')}${s.alu.utilisation !== undefined ? `, busy ${pct(s.alu.utilisation)}` : ''}`,
  );
  lines.push(
    `DRAM          ${num(s.dram.readBytes)} B read, ${num(s.dram.writeBytes)} B written${s.dram.busUtilisation !== undefined ? `, bus busy ${pct(s.dram.busUtilisation)}` : ''}`,
  );
  lines.push('token queues');
  for (const [q, v] of Object.entries(s.queues)) {
    lines.push(
      `  ${q.padEnd(6)} pushed ${num(v.pushed)}, popped ${num(v.popped)}, left ${num(v.left)}, most held at once ${num(v.maxHeld)}`,
    );
  }
  lines.push('counters (fsim)');
  for (const [k, v] of Object.entries(s.counters)) lines.push(`  ${k.padEnd(17)} ${v}`);
  return lines.join('\n') + '\n';
}
