/**
 * A simulation's summary in a few lines a user reads at a glance: how the run ended,
 * its cycles and time, the instructions that ran and how busy the hardware was.
 * Printed by `vta sim` and by the debugger when FINISH runs.
 */
import { count, num } from '../core/lang/count';
import type { SimSummary } from '../core/sim';

export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export const MODULE_WORDS: Record<string, string> = { ld: 'load', ex: 'compute', st: 'store' };

/** How the run ended, in words. */
function statusWords(s: SimSummary): string {
  switch (s.status) {
    case 'finished':
      return 'finished';
    case 'deadlock':
      return 'deadlocked';
    case 'error':
      return 'stopped by an error';
    default:
      return 'stopped before FINISH';
  }
}

/** The default output: three lines a user reads at a glance. */
export function shortSummary(file: string, s: SimSummary): string {
  const time =
    s.timeUnit === 'cycle'
      ? `${count(s.time, 'cycle')}${s.microseconds !== undefined ? `, ${s.microseconds} µs` : ''} (an estimate of the ${s.timingRow ?? "target's"} timing model)`
      : `after ${count(s.time, 'step')} (functional mode: no cycle count)`;
  const perModule = Object.entries(s.modules)
    .map(([m, v]) => `${MODULE_WORDS[m] ?? m} ${num(v.executed)}`)
    .join(', ');
  const lines = [
    `${file}: ${statusWords(s)}${s.timeUnit === 'cycle' ? ' in ' : ' '}${time}`,
    `  ${num(s.instructions.executed)} of ${count(s.instructions.total, 'instruction')} ran (${perModule})`,
  ];
  if (s.timeUnit === 'cycle') {
    const busy = Object.entries(s.modules).map(([m, v]) => `${MODULE_WORDS[m] ?? m} ${pct(v.utilisation)}`);
    if (s.gemm.utilisation !== undefined) busy.push(`GEMM core ${pct(s.gemm.utilisation)}`);
    if (s.dram.busUtilisation !== undefined) busy.push(`DRAM bus ${pct(s.dram.busUtilisation)}`);
    lines.push(`  busy: ${busy.join(', ')}`);
  }
  return lines.join('\n') + '\n';
}
