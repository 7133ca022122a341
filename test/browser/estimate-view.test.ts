/**
 * The network estimate view in headless Chromium, under its Content-Security-Policy:
 * the shipped ResNet-18's estimate as a table, slowest first; a click (or Enter) on a
 * header sorts by that column, again to reverse; lines without a value stay last.
 * Needs `npm run build` first.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { estimateNetworks, lintSchedule, networkJson, parseSchedule } from '../../core/schedule';
import { estimateHtml } from '../../webviews/estimate/html';
import { ROOT } from './harness';
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/system-deps.mjs';

const ast = parseSchedule(readFileSync(join(ROOT, 'examples/resnet18.vtasched'), 'utf8'));
const net = estimateNetworks(ast, lintSchedule(ast))[0]!;

let server: Server;
let browser: Browser;
let origin = '';
before(async () => {
  const nonce = 'dGVzdG5vbmNlLTEyMzQ1Njc4OTA';
  server = createServer((req, res) => {
    if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        estimateHtml({
          cspSource: origin,
          nonce,
          scriptUri: `${origin}/estimate.js`,
          styleUri: `${origin}/estimate.css`,
          estimate: networkJson(net),
          file: 'resnet18.vtasched',
        }),
      );
    } else if (req.url === '/estimate.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(readFileSync(join(ROOT, 'media/estimate.css')));
    } else if (req.url === '/estimate.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(readFileSync(join(ROOT, 'dist/webviews/estimate.js')));
    } else if (req.url === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
});
after(async () => {
  await browser?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

const column = (page: Page, n: number) =>
  page.evaluate(
    (i) =>
      Array.from(document.querySelectorAll('tbody tr')).map((tr) => (tr as HTMLTableRowElement).cells[i]!.textContent!),
    n,
  );

test('estimate view: the network slowest first, sortable by any column, the totals above', async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(origin);
  await page.waitForSelector('tbody tr');
  assert.deepEqual(errors, []);
  assert.match(
    (await page.textContent('main p')) ?? '',
    /^network resnet18: VTA \d+\.\d\d ms \+ CPU 109\.01 ms .* frames\/s/,
  );
  const ms = (await column(page, 3)).map((x) => (x === '?' || x === '' ? undefined : Number(x)));
  const known = ms.filter((x): x is number => x !== undefined);
  assert.equal(known.length, 15); // 13 layer lines and the two CPU operators with a time
  assert.deepEqual(
    known,
    [...known].sort((a, b) => b - a),
  );
  assert.deepEqual(ms.slice(15), [undefined, undefined, undefined]); // no time: last
  assert.equal((await column(page, 1))[0], 'cpu conv1');
  // By share of the VTA time: layers only, largest first, CPU lines after them.
  await page.click('th[data-key="share"]');
  const shares = (await column(page, 4)).map((x) => parseFloat(x));
  assert.deepEqual(
    shares.slice(0, 13),
    [...shares.slice(0, 13)].sort((a, b) => b - a),
  );
  assert.equal(await page.getAttribute('th[data-key="share"]', 'aria-sort'), 'descending');
  // Again: ascending. The network's order with the keyboard.
  await page.click('th[data-key="share"]');
  assert.equal(await page.getAttribute('th[data-key="share"]', 'aria-sort'), 'ascending');
  await page.focus('th[data-key="order"]');
  await page.keyboard.press('Enter');
  assert.deepEqual(
    await column(page, 1),
    net.rows.map((r) => (r.kind === 'cpu' ? `cpu ${r.name}` : r.name)),
  );
  await page.close();
});
