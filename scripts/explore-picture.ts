/**
 * The picture of a sweep for the docs: `node --import tsx scripts/explore-picture.ts
 * OUT.json PICTURE.png [TITLE]` renders `vta explore --format json` output in the
 * design-space view (the extension's page, in Debian's Chromium) and saves a screenshot.
 */
import { readFileSync } from 'node:fs';
import type { ExploreOutput } from '../core/schedule/explore';
import { fpgaPart } from '../core/schedule/fpga';
import { startHarness } from '../test/browser/harness';

const [input, output, title] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: scripts/explore-picture.ts OUT.json PICTURE.png [TITLE]');
  process.exit(2);
}
const out = JSON.parse(readFileSync(input, 'utf8')) as ExploreOutput;
const part = fpgaPart(out.space.fpga)!;
const h = await startHarness();
try {
  const page = await h.newPage({ view: 'explore', width: 1000, height: 620 });
  await page.evaluate(
    ([o, fpga, budget, name]) => {
      window.postMessage({ type: 'start', total: o.designs.length, fpga, network: name, budget }, '*');
      window.postMessage({ type: 'done', designs: o.designs, cancelled: false }, '*');
    },
    [out, part.description, { bram: part.bram, dsp: part.dsp }, title ?? out.network?.name ?? 'network'] as const,
  );
  await page.waitForFunction(() => document.getElementById('app')!.dataset.state === 'done');
  await page.screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await h.close();
}
