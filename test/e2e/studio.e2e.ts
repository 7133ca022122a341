/**
 * End to end in real VS Code: code-server 4.100.3 (installed by
 * scripts/code-server-setup.mjs into ~/.cache/vta-studio on first use), the packaged
 * .vsix installed into it, and Debian's Chromium driven by playwright-core.
 *
 *   npm run test:e2e
 *
 * A few smoke scenarios only (10–20 s each); detail belongs to the protocol tests.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { prepareStudio, projectRoot, startCodeServer, type StudioServer } from '../../scripts/studio.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];
const SHOTS = join(projectRoot, 'test-output', 'e2e');

let server: StudioServer;
let browser: Browser;
let page: Page;
let work: string;
const timings: Record<string, number> = {};

function log(s: string): void {
  process.stderr.write(`[e2e] ${s}\n`);
}

/** Runs a command through the command palette (F1), by its title. */
async function runCommand(title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  await row.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Opens a workspace file through Quick Open. */
async function openFile(relPath: string): Promise<void> {
  const name = relPath.slice(relPath.lastIndexOf('/') + 1);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(relPath);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[aria-label*="${name}"]`).waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) }).catch(() => undefined);
}

describe('VTA Studio in code-server', { timeout: 600_000 }, () => {
  before(async () => {
    let t0 = Date.now();
    // A copy of the examples, so that Assemble writes nowhere in the repository.
    work = mkdtempSync(join(tmpdir(), 'vta-e2e-'));
    cpSync(join(projectRoot, 'examples'), join(work, 'examples'), { recursive: true });
    const p = prepareStudio({ stateDir: join(work, 'studio'), log });
    timings.setup = p.seconds.setup;
    timings.freshSetup = p.freshSetup ? 1 : 0;
    timings.buildPackageInstall = p.seconds.build + p.seconds.package + p.seconds.install;
    t0 = Date.now();
    server = await startCodeServer({ entry: p.entry, folder: join(work, 'examples'), userDataDir: p.userDataDir, extensionsDir: p.extensionsDir });
    timings.codeServerStart = (Date.now() - t0) / 1000;
    t0 = Date.now();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}?folder=${encodeURIComponent(join(work, 'examples'))}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
    timings.workbenchLoad = (Date.now() - t0) / 1000;
    log(`setup ${JSON.stringify(timings)}`);
  });

  after(async () => {
    log(`timings (s): ${JSON.stringify(timings)}`);
    await browser?.close().catch(() => undefined);
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('shows the two bound errors of defects/out-of-bounds.vta in the Problems view and the status bar', async () => {
    const t0 = Date.now();
    try {
      await openFile('defects/out-of-bounds.vta');
      await runCommand('View: Focus Problems');
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ state: 'visible' });
      const rows = panel.locator('.monaco-list-row .marker-message-details, .monaco-list-row');
      const inp = panel.locator('.monaco-list-row', { hasText: 'LOAD writes INP rows 2040..2055' });
      const wgt = panel.locator('.monaco-list-row', { hasText: 'GEMM reads WGT rows 1020..1024' });
      await inp.first().waitFor({ timeout: 30_000 });
      await wgt.first().waitFor({ timeout: 30_000 });
      assert.match(await inp.first().innerText(), /vta\.bounds\.inp/);
      assert.match(await wgt.first().innerText(), /vta\.bounds\.wgt/);
      // Exactly two errors for this file: the file row says so.
      const errorRows = panel.locator('.monaco-list-row .codicon-error');
      assert.equal(await errorRows.count(), 2, await rows.allInnerTexts().then((t) => t.join('\n')));
      const status = page.locator('.statusbar-item', { hasText: 'VTA default' });
      await status.first().waitFor({ timeout: 10_000 });
      assert.match(await status.first().innerText(), /VTA default\s+\S*\s*2/);
      await shot('problems');
    } catch (e) {
      await shot('problems-failed');
      throw e;
    } finally {
      timings.problems = (Date.now() - t0) / 1000;
    }
  });

  it('hovers an instruction and shows what the language server says about it', async () => {
    const t0 = Date.now();
    try {
      // Line 12: `  load inp sram=2040 dram=a y=1 x=16`; hover its mnemonic.
      const line = page.locator('.editor-instance .view-line', { hasText: 'load inp sram=2040' }).first();
      await line.waitFor();
      const word = line.locator('span span', { hasText: /^load$/ }).first();
      await word.hover();
      // The semantic hover (beyond the diagnostic's message) names the instruction and shows its encoded fields.
      const hover = page.locator('.monaco-hover-content:visible', { hasText: /opcode/ }).first();
      await hover.waitFor({ state: 'visible', timeout: 15_000 });
      const text = await hover.innerText();
      assert.match(text, /LOAD/, text);
      assert.match(text, /opcode[\s\S]*pop_prev_dep/, text);
      await shot('hover');
      await page.keyboard.press('Escape');
    } catch (e) {
      await shot('hover-failed');
      throw e;
    } finally {
      timings.hover = (Date.now() - t0) / 1000;
    }
  });

  it('VTA: Assemble writes the instruction stream, the DRAM image and the layout next to the file', async () => {
    const t0 = Date.now();
    try {
      await openFile('gemv-two-threads.vta');
      await runCommand('VTA: Assemble');
      const insn = join(work, 'examples', 'gemv-two-threads.insn.bin');
      const layout = join(work, 'examples', 'gemv-two-threads.layout.json');
      const deadline = Date.now() + 20_000;
      while (!(existsSync(insn) && existsSync(layout)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      assert.ok(existsSync(insn), 'gemv-two-threads.insn.bin was written');
      assert.ok(existsSync(join(work, 'examples', 'gemv-two-threads.dram.bin')), 'gemv-two-threads.dram.bin was written');
      const bytes = readFileSync(insn);
      assert.ok(bytes.length > 0 && bytes.length % 16 === 0, `16 bytes per instruction (${bytes.length})`);
      const l = JSON.parse(readFileSync(layout, 'utf8')) as { instructions: number; target: string };
      assert.equal(l.instructions * 16, bytes.length);
      await page.locator('.notifications-toasts', { hasText: /wrote \d+ instructions/ }).first().waitFor({ timeout: 10_000 });
      await shot('assemble');
    } catch (e) {
      await shot('assemble-failed');
      throw e;
    } finally {
      timings.assemble = (Date.now() - t0) / 1000;
    }
  });

  it('VTA: Debug stops on entry, steps one instruction and stops', async () => {
    const t0 = Date.now();
    try {
      await openFile('gemv-two-threads.vta');
      await runCommand('VTA: Debug');
      const toolbar = page.locator('.debug-toolbar');
      await toolbar.waitFor({ state: 'visible', timeout: 30_000 });
      // Threads are the modules; each frame names its module's current instruction.
      const stack = page.locator('.debug-call-stack');
      await stack.locator('.monaco-list-row', { hasText: /#\d+/ }).first().waitFor({ timeout: 20_000 });
      await page.locator('.debug-call-stack', { hasText: /paused on entry/i }).waitFor({ timeout: 10_000 });
      const before = await stack.innerText();
      await page.keyboard.press('F10');
      await page.waitForFunction((b) => {
        const t = (document.querySelector('.debug-call-stack') as HTMLElement | null)?.innerText ?? '';
        return t !== b && /#\d+/.test(t) && /paused on step/i.test(t);
      }, before, { timeout: 15_000 });
      await shot('debug');
      await page.keyboard.press('Shift+F5');
      await toolbar.waitFor({ state: 'hidden', timeout: 15_000 });
    } catch (e) {
      await shot('debug-failed');
      throw e;
    } finally {
      timings.debug = (Date.now() - t0) / 1000;
    }
  });

  it('VTA: Open Simulator shows the simulator view of the program', async () => {
    const t0 = Date.now();
    try {
      await openFile('gemv-two-threads.vta');
      await runCommand('VTA: Open Simulator');
      await page.locator('.tabs-container .tab', { hasText: /simulat/i }).first().waitFor({ timeout: 20_000 });
      // The view's content sits in nested iframes: find the frame with the app root.
      let text = '';
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        for (const f of page.frames()) {
          const t = await f.evaluate(() => document.querySelector('#app')?.textContent ?? '').catch(() => '');
          if (t.length > text.length) text = t;
        }
        if (/finished/.test(text)) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      // It ran the program to FINISH: the header names the file, its instruction count and the cycles.
      assert.match(text, /gemv-two-threads\.vta: 34 instructions, [\d,]+ cycles[^]*finished/, text.slice(0, 2000));
      assert.match(text, /Buffer occupancy/, text.slice(0, 2000));
      await shot('simulator');
    } catch (e) {
      await shot('simulator-failed');
      throw e;
    } finally {
      timings.simulator = (Date.now() - t0) / 1000;
    }
  });
});
