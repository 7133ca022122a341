/**
 * The simulator view in headless Chromium: for each example, the three lanes carry
 * one bar per instruction of their module, occupancy peaks match an independent
 * computation, a click on a bar asks the editor to reveal its line, the editor's
 * cursor highlights bars, and a garbage program shows an error (never a blank view).
 * Needs `npm run build` first. Screenshots: test-output/screenshots/.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { assemble, barsPerModule, expectedPeaks } from './expected';
import { type Harness, posted, ROOT, SCREENSHOTS, sendProgram, startHarness } from './harness';

const EXAMPLES = readdirSync(join(ROOT, 'examples'))
  .filter((f) => f.endsWith('.vta'))
  .sort();

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

async function laneBars(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    for (const li of Array.from(document.querySelectorAll<HTMLElement>('.lanes-info li')))
      out[li.dataset.module!] = Number(li.dataset.bars);
    return out;
  });
}

async function visibleBars(page: Page): Promise<number[]> {
  await page.evaluate(() => (window as unknown as { vtaSimulatorView: { redraw(): void } }).vtaSimulatorView.redraw());
  return page.evaluate(() =>
    document.querySelector<HTMLCanvasElement>('.timeline-canvas')!.dataset.visible!.split(',').map(Number),
  );
}

interface Example {
  file: string;
  text: string;
  program: ReturnType<typeof assemble>;
}

/** Runs `fn` on a fresh page that shows an example (path under the repository), and closes the page. */
async function onExample(path: string, fn: (page: Page, ex: Example) => Promise<void>): Promise<void> {
  const file = join(ROOT, path);
  const text = readFileSync(file, 'utf8');
  const program = assemble(text, file);
  const page = await h.newPage();
  try {
    assert.equal(await sendProgram(page, text, file), 'ready');
    await fn(page, { file, text, program });
  } finally {
    await page.close();
  }
}

describe('simulator view: examples', () => {
  for (const name of EXAMPLES) {
    it(`${name}: lanes, bars, occupancy peaks, reveal on click, cursor highlight`, async () => {
      await onExample(join('examples', name), async (page, { program }) => {
        const want = barsPerModule(program);
        // The lane list a screen reader reads, and what the canvas draws over the whole run.
        assert.deepEqual(await laneBars(page), want);
        assert.deepEqual(await visibleBars(page), [want.ld, want.ex, want.st]);
        const drawn = await page.evaluate(() =>
          document.querySelector<HTMLCanvasElement>('.timeline-canvas')!.dataset.drawn!.split(',').map(Number),
        );
        assert.ok(
          drawn.every(
            (d, k) => d >= Math.min(1, [want.ld, want.ex, want.st][k]!) && d <= [want.ld, want.ex, want.st][k]!,
          ),
          `drawn ${drawn}`,
        );

        const peaks = await page.evaluate(() =>
          Object.fromEntries(
            Array.from(document.querySelectorAll<HTMLElement>('.occ-info li')).map((li) => [
              li.dataset.buffer!,
              Number(li.dataset.peak),
            ]),
          ),
        );
        assert.deepEqual(peaks, expectedPeaks(program));
        const occText = await page.locator('.occ-info').innerText();
        assert.match(occText, /INP: peak \d+ of 2,048 rows/);

        // The debugger's cycle moves the cursor there (and the view to it).
        const at = await page.evaluate(() => {
          const v = (window as unknown as { vtaSimulatorView: { view: { t0: number; t1: number } } }).vtaSimulatorView
            .view;
          return Math.floor(v.t0 + (v.t1 - v.t0) * 0.37);
        });
        await page.evaluate((cycle) => window.postMessage({ type: 'debugCycle', cycle }, '*'), at);
        await page.waitForFunction((c) => document.getElementById('app')!.dataset.debugCycle === String(c), at);
        assert.equal(
          await page.evaluate(
            () =>
              (window as unknown as { vtaSimulatorView: { view: { cursor?: number } } }).vtaSimulatorView.view.cursor,
          ),
          at,
        );

        await page.waitForTimeout(100);
        await page.screenshot({ path: join(SCREENSHOTS, `${name.replace('.vta', '')}.png`), fullPage: true });

        // Click each module's first written instruction's bar: the host is asked to reveal its line.
        for (const mod of ['ld', 'ex', 'st'] as const) {
          const index = program.insns.findIndex((pi) => pi.module === mod && pi.source);
          if (index < 0) continue;
          const at = await page.evaluate(
            (i) =>
              (
                window as unknown as {
                  vtaSimulatorView: { barCenter(i: number): { x: number; y: number } | undefined };
                }
              ).vtaSimulatorView.barCenter(i),
            index,
          );
          assert.ok(at, `bar of instruction ${index} is on screen`);
          const before = (await posted(page)).length;
          await page.mouse.click(at.x, at.y);
          const msgs = (await posted(page)).slice(before);
          const src = program.insns[index]!.source!;
          // A click lands on this instruction, or on a neighbour drawn in the same pixels; either way the message is well-formed and points into the file.
          assert.equal(msgs.length, 1, JSON.stringify(msgs));
          assert.equal(msgs[0]!.type, 'reveal');
          assert.equal(msgs[0]!.file, src.file);
          const lines = new Set(
            program.insns.filter((pi) => pi.module === mod && pi.source).map((pi) => pi.source!.start.line),
          );
          assert.ok(lines.has(msgs[0]!.line as number), `line ${msgs[0]!.line} is a ${mod} instruction's line`);
        }

        // The editor's cursor on a line highlights that line's bars.
        const target = program.insns.find((pi) => pi.module === 'ex' && pi.source)!;
        const n = program.insns.filter((pi) => pi.source?.start.line === target.source!.start.line).length;
        await page.evaluate((line) => window.postMessage({ type: 'cursor', line }, '*'), target.source!.start.line);
        await page.waitForFunction((k) => document.getElementById('app')!.dataset.highlighted === String(k), n);
        assert.deepEqual(
          (page as unknown as { vtaErrors: string[] }).vtaErrors,
          [],
          'no page errors, no CSP violations',
        );
      });
    });
  }
});

describe('simulator view: precise clicks', () => {
  it('a click on a bar, zoomed in on it, reveals exactly its line', async () => {
    await onExample('examples/gemm-block.vta', async (page, { program }) => {
      for (let index = 0; index < program.insns.length; index++) {
        const pi = program.insns[index]!;
        if (!pi.source || pi.origin !== 'written') continue;
        // Zoom the shared view onto this instruction's own time span (from the model the view holds).
        const at = await page.evaluate((i) => {
          const w = window as unknown as {
            vtaSimulatorView: { zoomTo(i: number): void; barCenter(i: number): { x: number; y: number } | undefined };
          };
          w.vtaSimulatorView.zoomTo(i);
          return w.vtaSimulatorView.barCenter(i);
        }, index);
        assert.ok(at);
        const before = (await posted(page)).length;
        await page.mouse.click(at.x, at.y);
        const msgs = (await posted(page)).slice(before);
        assert.deepEqual(
          msgs,
          [{ type: 'reveal', line: pi.source.start.line, file: pi.source.file }],
          `instruction ${index}`,
        );
      }
      // Zoomed in, with the cursor over a bar, for a look at single-cycle detail.
      await page.mouse.move(300, 200);
      await page.waitForTimeout(100);
      await page
        .locator('#timeline-title')
        .locator('..')
        .screenshot({ path: join(SCREENSHOTS, 'gemm-block-zoomed.png') });
    });
  });
});

describe('simulator view: keyboard and exports', () => {
  it('keyboard selects a bar and Enter reveals it; Export PNG posts an image', async () => {
    await onExample('examples/gemm-block.vta', async (page, { file, text, program }) => {
      await page.locator('.timeline-canvas').focus();
      await page.keyboard.press('ArrowRight'); // first load instruction
      await page.keyboard.press('ArrowRight'); // second
      const before = (await posted(page)).length;
      await page.keyboard.press('Enter');
      const ld = program.insns.filter((pi) => pi.module === 'ld');
      assert.deepEqual((await posted(page)).slice(before), [{ type: 'reveal', line: ld[1]!.source!.start.line, file }]);
      assert.match(await page.locator('[aria-live]').innerText(), /load instruction 1: LOAD WGT/);
      await page.getByRole('button', { name: 'Export PNG' }).click();
      await page.waitForFunction(() =>
        (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'export-png'),
      );
      const png = (await posted(page)).find((m) => m.type === 'export-png')!;
      const bytes = Buffer.from(String(png.dataUrl).split(',')[1]!, 'base64');
      assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
      assert.ok(bytes.length > 5000);
      await page.getByRole('button', { name: 'Export trace' }).click();
      await page.waitForFunction(() =>
        (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'export-trace'),
      );
      const tr = (await posted(page)).find((m) => m.type === 'export-trace')!;
      const json = JSON.parse(String(tr.json)) as { traceEvents: Array<{ ph: string }> };
      assert.equal(
        json.traceEvents.filter(
          (e) =>
            e.ph === 'X' &&
            (e as { cat?: string }).cat !== undefined &&
            !String((e as { cat?: string }).cat).startsWith('stall'),
        ).length,
        program.insns.length,
      );
      // A second run of the same file is compared with the first, side by side.
      assert.equal(await sendProgram(page, text.replace('imm=4', 'imm=3'), file), 'ready');
      assert.deepEqual(await page.locator('table.summary thead th').allInnerTexts(), [
        'figure',
        'this run',
        'previous run',
        'change',
      ]);
      assert.match(await page.locator('tr[data-figure="time"]').innerText(), /^time \(cycles\)\t[\d,]+\t[\d,]+\t/);
    });
  });
});

describe('simulator view: bad input', () => {
  it('a garbage program shows an error message with the lines, not a blank view', async () => {
    const page = await h.newPage({ theme: 'light' });
    try {
      const state = await sendProgram(page, 'this is not\n  VTA assembly @@@ {{{\nload banana', '/tmp/garbage.vta');
      assert.equal(state, 'error');
      const alert = page.getByRole('alert');
      assert.ok(await alert.isVisible());
      const text = await alert.innerText();
      assert.match(text, /does not assemble: \d+ error/);
      assert.match(text, /line \d+:/);
      assert.equal(await page.locator('#timeline-title').isVisible(), false);
      await page.screenshot({ path: join(SCREENSHOTS, 'garbage.png'), fullPage: true });
      // Clicking a listed problem reveals its line.
      const before = (await posted(page)).length;
      await alert.locator('a').first().click();
      const msgs = (await posted(page)).slice(before);
      assert.equal(msgs.length, 1);
      assert.equal(msgs[0]!.type, 'reveal');
      assert.equal(msgs[0]!.file, '/tmp/garbage.vta');
    } finally {
      await page.close();
    }
  });

  it('a program that assembles but deadlocks shows the run and the error', async () => {
    await onExample('examples/defects/deadlock.vta', async (page) => {
      assert.match(await page.getByRole('alert').innerText(), /deadlock/);
      await page.screenshot({ path: join(SCREENSHOTS, 'deadlock.png'), fullPage: true });
    });
  });

  it('a huge or malformed message is refused with a message in the view', async () => {
    const page = await h.newPage();
    try {
      await page.evaluate(() =>
        window.postMessage({ type: 'program', text: 'x'.repeat(4_000_001), file: 'big.vta' }, '*'),
      );
      await page.waitForFunction(() => document.getElementById('app')!.dataset.state === 'error');
      assert.match(await page.getByRole('alert').innerText(), /too large/);
      await page.evaluate(() => window.postMessage({ type: 'program', text: 42 }, '*'));
      assert.match(await page.getByRole('alert').innerText(), /refused/);
    } finally {
      await page.close();
    }
  });
});
