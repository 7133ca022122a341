/**
 * Simulator-view benchmark in headless Chromium (the one scripts/system-deps.mjs finds): a
 * 100,000-instruction program is simulated in the view's worker, then the time to
 * render it (view model set-up and the first frame of every chart) is measured, and
 * the frame times of pan and zoom from the whole run down to single cycles.
 * Needs `npm run build` first.   node --import tsx bench/webview-bench.ts
 */
import { sendProgram, startHarness } from '../test/browser/harness';

/** A stream of `iterations` × 5 instructions: LOAD INP, LOAD WGT → GEMM, ALU → STORE, with tokens between the modules. */
export function bigProgramText(iterations: number): string {
  return `; ${iterations * 5 + 3} instructions for the simulator-view benchmark
target default
data x : inp[16] = random(seed=1)
data w : wgt[16] = random(seed=2)
data y : out[16]
kernel k { uop dst=0 src=0 wgt=0 }
kernel a { uop dst=0 src=0 }
  load uop k
  load uop a
for i in 0..${iterations} {
  load inp sram=0 dram=x y=1 x=4
  load wgt sram=0 dram=w y=1 x=4
  push ld->ex
  pop ld->ex
  gemm k outer=4 src_out=1 wgt_out=1
  alu max a imm=0
  push ex->st
  pop ex->st
  store out sram=0 dram=y y=1 x=1
}
  push st->ex
  pop st->ex
  finish
`;
}

export interface WebviewBenchFigures {
  instructions: number;
  simulatedCycles: number;
  worker: { assembleMs: number; simulateMs: number; modelMs: number };
  /** From the worker's result arriving to the view being drawn (model set-up and the first frame of every chart). */
  renderAfterSimulationMs: number;
  /** Fetching the worker bundle and starting the worker (first run only). */
  workerStartMs: number;
  /** Posting the program to the worker until its result arrives (assemble, simulate, build the model, transfer). */
  workerRoundTripMs: number;
  /** From posting the message to the page until the view is drawn, seen from the test driver. */
  endToEndMs: number;
  /** The view's own set-up and first frame of every chart. */
  firstFrameMs: number;
  frames: {
    zoomMeanMs: number;
    zoomMaxMs: number;
    panMeanMs: number;
    panMaxMs: number;
    /** 95th percentile over all zoom and pan frames, and how many frames took 16 ms or more. */
    p95Ms: number;
    over16: number;
    /** Frames with the whole run (or nearly: the first and last zoom steps) in view. */
    wholeRunMaxMs: number;
    samples: number;
    smallestSpan: number;
  };
}

function stats(xs: number[]): { mean: number; max: number } {
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, max: Math.max(...xs) };
}

function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

export async function runWebviewBench(iterations = 20_000): Promise<WebviewBenchFigures> {
  const h = await startHarness();
  try {
    const page = await h.newPage({ width: 1400, height: 900 });
    const text = bigProgramText(iterations);
    const t0 = Date.now();
    const state = await sendProgram(page, text, '/bench/big.vta');
    const total = Date.now() - t0;
    if (state !== 'ready') throw new Error('the benchmark program did not run');
    const info = await page.evaluate(() => {
      const a = document.getElementById('app')!;
      const d = a.dataset;
      return {
        render: Number(a.dataset.renderMs),
        worker: JSON.parse(a.dataset.workerMs!) as { assemble: number; simulate: number; model: number },
        workerStart: Number(d.workerAt) - Number(d.sentAt),
        roundTrip: Number(d.receivedAt) - Number(d.workerAt),
        show: Number(d.shownAt) - Number(d.receivedAt),
      };
    });
    const frames = await page.evaluate(() => {
      const v = (
        window as unknown as {
          vtaSimulatorView: {
            view: { zoom(f: number, at?: number): void; pan(f: number): void; fit(): void; t0: number; t1: number };
            drawAll(): number;
          };
        }
      ).vtaSimulatorView;
      v.view.fit();
      const zoom: number[] = [],
        pan: number[] = [];
      const whole: number[] = [];
      v.view.fit();
      whole.push(v.drawAll());
      // Zoom in from the whole run to the smallest span (single cycles), panning at each level.
      const mid = (v.view.t0 + v.view.t1) / 2;
      for (let k = 0; k < 40; k++) {
        v.view.zoom(0.7, mid);
        zoom.push(v.drawAll());
        v.view.pan(0.05);
        pan.push(v.drawAll());
      }
      const smallest = v.view.t1 - v.view.t0;
      for (let k = 0; k < 40; k++) {
        v.view.zoom(1 / 0.7, mid);
        zoom.push(v.drawAll());
        v.view.pan(-0.05);
        pan.push(v.drawAll());
      }
      v.view.fit();
      whole.push(v.drawAll(), zoom[0]!, pan[0]!, zoom[zoom.length - 1]!, pan[pan.length - 1]!);
      return { zoom, pan, smallest, whole };
    });
    const insns = await page.evaluate(
      () =>
        Number(document.querySelectorAll('.lanes-info li').length) &&
        Array.from(document.querySelectorAll<HTMLElement>('.lanes-info li')).reduce(
          (s, li) => s + Number(li.dataset.bars),
          0,
        ),
    );
    const cycles = await page.evaluate(() =>
      Number(/([\d,]+) cycles/.exec(document.querySelector('.status')!.textContent ?? '')?.[1]?.replace(/,/g, '') ?? 0),
    );
    const z = stats(frames.zoom),
      p = stats(frames.pan);
    const all = [...frames.zoom, ...frames.pan];
    const r = (x: number) => Math.round(x * 100) / 100;
    return {
      instructions: insns,
      simulatedCycles: cycles,
      worker: {
        assembleMs: r(info.worker.assemble),
        simulateMs: r(info.worker.simulate),
        modelMs: r(info.worker.model),
      },
      renderAfterSimulationMs: r(info.show),
      workerStartMs: r(info.workerStart),
      workerRoundTripMs: r(info.roundTrip),
      endToEndMs: total,
      firstFrameMs: r(info.render),
      frames: {
        zoomMeanMs: r(z.mean),
        zoomMaxMs: r(z.max),
        panMeanMs: r(p.mean),
        panMaxMs: r(p.max),
        p95Ms: r(percentile(all, 0.95)),
        over16: all.filter((x) => x >= 16).length,
        wholeRunMaxMs: r(Math.max(...frames.whole)),
        samples: frames.zoom.length + frames.pan.length,
        smallestSpan: r(frames.smallest),
      },
    };
  } finally {
    await h.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await runWebviewBench(), null, 2));
}
