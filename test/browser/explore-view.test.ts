/**
 * The design-space view in Chromium: the designs of a real sweep as points (front
 * larger, infeasible greyed), the front drawn, axes switched, a design's figures on
 * hover, a click that asks to open the design, and malformed messages refused.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { parseSchedule } from '../../core/schedule';
import { designsOf, evaluateDesign, markPareto, readSpace, type DesignResult } from '../../core/schedule/explore';
import { readLayers } from '../../core/schedule/read-layers';
import { designTuner } from '../../server/cli/explore-tuner';
import { posted, SCREENSHOTS, startHarness, type Harness } from './harness';

const NETWORK = `target pynq
conv2d a {
  input  = 1x32x8x8
  filter = 32x32x3x3
  pad    = 1
}
dense fc {
  input  = 1x64
  weight = 32x64
}
`;

let h: Harness;
let designs: DesignResult[];
before(async () => {
  const space = readSpace({
    fpga: 'pynq-z1',
    clockMHz: [100, 200],
    LOG_BLOCK: [4, 5],
    splits: [{ LOG_WGT_BUFF_SIZE: 18 }, { LOG_WGT_BUFF_SIZE: 16 }],
  });
  const network = readLayers(parseSchedule(NETWORK)).layers.map(({ layer }) => ({ layer, repeat: 1 }));
  const tune = designTuner();
  designs = markPareto(designsOf(space).map((d) => evaluateDesign(d, space.fpga, network, tune)));
  h = await startHarness();
});
after(async () => h?.close());

const count = (page: Page, sel: string) => page.evaluate((s) => document.querySelectorAll(s).length, sel);

test('explore view: points, front, infeasible greyed, hover figures, click to open', async () => {
  const page = await h.newPage({ view: 'explore', width: 1000, height: 700 });
  await page.evaluate(
    (total) =>
      window.postMessage(
        {
          type: 'start',
          total,
          fpga: 'Pynq Z1 (Zynq-7020, XC7Z020)',
          network: 'net.vtasched',
          budget: { bram: 140, dsp: 220 },
        },
        '*',
      ),
    designs.length,
  );
  await page.evaluate((d) => window.postMessage({ type: 'designs', designs: d }, '*'), designs.slice(0, 3));
  await page.waitForFunction(() => document.getElementById('app')!.dataset.state === 'running');
  assert.match((await page.textContent('.status')) ?? '', /Evaluating designs: 3 of 8/);
  await page.evaluate((d) => window.postMessage({ type: 'done', designs: d, cancelled: false }, '*'), designs);
  await page.waitForFunction(() => document.getElementById('app')!.dataset.state === 'done');
  const withLatency = designs.filter((d) => d.latencyMs !== null);
  assert.equal(await count(page, 'circle.design'), withLatency.length);
  assert.equal(await count(page, 'circle.pareto'), designs.filter((d) => d.pareto).length);
  assert.equal(await count(page, 'circle.infeasible'), withLatency.filter((d) => !d.feasible).length);
  assert.ok(
    designs.some((d) => !d.feasible),
    'the space has designs that do not fit',
  );
  if (designs.filter((d) => d.pareto).length > 1) assert.equal(await count(page, 'path.front'), 1);
  const status = (await page.textContent('.status')) ?? '';
  assert.match(
    status,
    new RegExp(
      `^8 designs, ${designs.filter((d) => d.feasible).length} fit, ${designs.filter((d) => d.pareto).length} on the front`,
    ),
  );

  const best = designs.filter((d) => d.pareto).sort((a, b) => a.latencyMs! - b.latencyMs!)[0]!;
  await page.hover(`circle[data-index="${best.index}"]`);
  const tip = (await page.textContent('.tooltip')) ?? '';
  assert.match(tip, new RegExp(`#${best.index}: 1x\\d+x\\d+ GEMM at ${best.clockMHz} MHz`));
  assert.match(tip, new RegExp(`${best.resources.bram} block RAMs`));
  assert.match(tip, /on the Pareto front/);
  assert.equal(await page.textContent('.budget-label'), 'FPGA: 140 block RAMs');
  await page.screenshot({ path: join(SCREENSHOTS, 'explore-view.png') });
  await page.click(`circle[data-index="${best.index}"]`);
  assert.ok((await posted(page)).some((m) => m.type === 'open' && m.index === best.index));

  // Axes: frames per second against DSPs.
  await page.selectOption('select >> nth=0', 'fps');
  await page.selectOption('select >> nth=1', 'dsp');
  assert.equal(await page.textContent('svg .axis-title'), 'DSPs');
  assert.equal(await count(page, 'circle.design'), withLatency.length);

  // A malformed message is refused, and said so.
  await page.evaluate(() => window.postMessage({ type: 'designs', designs: [{ index: -1 }] }, '*'));
  await page.waitForFunction(() => !(document.querySelector('.error') as HTMLElement).hidden);
  assert.match((await page.textContent('.error')) ?? '', /design 0 of the designs message is malformed/);
  assert.deepEqual((page as unknown as { vtaErrors: string[] }).vtaErrors, []);
});
