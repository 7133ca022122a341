/**
 * Debugger stepping on a 100,000-instruction stream: `next` and `stepBack` through
 * the DebugEngine (what the adapter does per request), and the same through the
 * protocol (request → stopped event → stack traces of the three threads) against
 * `vta debug-adapter` (needs `npm run build`).
 *
 *   node --import tsx bench/dap-bench.ts [instructions]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeProgram } from '../core/isa';
import type { Program } from '../core/program/program';
import { Prng } from '../core/sim/prng';
import { streamProgram } from '../test/support/random-built-program';
import { DebugEngine } from '../server/dap/engine';

export interface DapBenchFigures {
  instructions: number;
  mode: string;
  samples: number;
  nextMeanMs: number;
  nextMaxMs: number;
  stepBackMeanMs: number;
  stepBackMaxMs: number;
  /** Through the protocol: request to stopped event plus three stackTrace requests. */
  protocol?: { nextMeanMs: number; nextMaxMs: number; stepBackMeanMs: number; stepBackMaxMs: number };
}

const now = () => performance.now();
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number) => Number(x.toPrecision(3));

export function benchEngine(
  program: Program,
  mode: 'functional' | 'both',
  samples = 40,
): Omit<DapBenchFigures, 'protocol'> {
  const e = new DebugEngine(program, { mode });
  // Run to the end once (snapshots are taken on the way), then sample positions.
  while (!e.continueSlice(1000));
  const total = e.sim.steps;
  const r = new Prng(11);
  const fwd: number[] = [],
    back: number[] = [];
  for (let k = 0; k < samples; k++) {
    e.sim.seek(Math.floor(total * (0.05 + 0.9 * r.next())));
    let t = now();
    e.next();
    fwd.push(now() - t);
    t = now();
    e.stepBack();
    back.push(now() - t);
  }
  return {
    instructions: program.insns.length,
    mode,
    samples,
    nextMeanMs: round(mean(fwd)),
    nextMaxMs: round(Math.max(...fwd)),
    stepBackMeanMs: round(mean(back)),
    stepBackMaxMs: round(Math.max(...back)),
  };
}

export async function benchProtocol(
  program: Program,
  mode: 'functional' | 'both',
  samples = 20,
): Promise<DapBenchFigures['protocol']> {
  const { DebugClient } = await import('@vscode/debugadapter-testsupport');
  const root = resolve(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), 'vta-dap-bench-'));
  const dc = new DebugClient(
    'node',
    `"${resolve(root, 'bin/vta.cjs')}" debug-adapter`,
    'vta',
    { shell: true, cwd: root },
    false,
  );
  dc.defaultTimeout = 120_000;
  try {
    writeFileSync(
      join(dir, 's.insn.bin'),
      encodeProgram(
        program.target,
        program.insns.map((p) => p.insn),
      ),
    );
    writeFileSync(join(dir, 's.dram.bin'), program.dram);
    await dc.start();
    await dc.initializeRequest({ adapterID: 'vta', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    // Stop at an instruction in the last quarter, so that stepping back needs a snapshot and replay.
    const line = Math.floor(program.insns.length * 0.8) + 1;
    const first = dc.waitForEvent('stopped');
    await Promise.all([
      dc.waitForEvent('initialized').then(async () => {
        await dc.setBreakpointsRequest({
          source: { sourceReference: 1, name: 's.insn.bin.disasm' },
          breakpoints: [{ line }],
        });
        await dc.configurationDoneRequest();
      }),
      dc.launch({ program: join(dir, 's.insn.bin'), dram: join(dir, 's.dram.bin'), mode } as never),
    ]);
    const ev = (await first) as { body: { reason: string } };
    if (ev.body.reason !== 'breakpoint')
      throw new Error(`expected to stop at the breakpoint on line ${line}, not ${ev.body.reason}`);
    const timed = async (f: () => Promise<unknown>) => {
      const t = now();
      const stopped = dc.waitForEvent('stopped');
      await f();
      await stopped;
      for (const threadId of [1, 2, 3]) await dc.stackTraceRequest({ threadId });
      return now() - t;
    };
    const fwd: number[] = [],
      back: number[] = [];
    for (let k = 0; k < samples; k++) fwd.push(await timed(() => dc.nextRequest({ threadId: 2 })));
    for (let k = 0; k < samples; k++) back.push(await timed(() => dc.stepBackRequest({ threadId: 2 })));
    return {
      nextMeanMs: round(mean(fwd)),
      nextMaxMs: round(Math.max(...fwd)),
      stepBackMeanMs: round(mean(back)),
      stepBackMaxMs: round(Math.max(...back)),
    };
  } finally {
    await dc.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runDapBench(n = 100_000): Promise<DapBenchFigures[]> {
  const program = streamProgram(n);
  const out: DapBenchFigures[] = [];
  for (const mode of ['functional', 'both'] as const) {
    const f: DapBenchFigures = benchEngine(program, mode);
    f.protocol = await benchProtocol(program, mode);
    out.push(f);
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDapBench(Number(process.argv[2] ?? 100_000)).then((f) => console.log(JSON.stringify(f, null, 2)));
}
