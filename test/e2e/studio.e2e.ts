/**
 * End to end in real VS Code: code-server 4.100.3 (installed by
 * scripts/code-server-setup.mjs into ~/.cache/vta-studio on first use), the .vsix that
 * `npm run package` writes installed into it with `--install-extension` (what a user
 * installs is what runs here), and Chromium (scripts/system-deps.mjs: $CHROMIUM_PATH or
 * Debian's) driven by playwright-core.
 *
 *   npm run test:e2e
 *
 * A few smoke scenarios only (10–20 s each); detail belongs to the protocol tests.
 */
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Frame, type Page } from 'playwright-core';
import {
  prepareStudio,
  projectRoot,
  startCodeServer,
  type PreparedStudio,
  type StudioServer,
} from '../../scripts/studio.mjs';
import { packageVersion, VSIX_BUDGET_BYTES } from '../../scripts/package.mjs';
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/system-deps.mjs';

const SHOTS = join(projectRoot, 'test-output', 'e2e');

let prepared: PreparedStudio;
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
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: name })
    .first()
    .waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator(`.tabs-container .tab.active[data-resource-name="${name}"]`).first().waitFor({ timeout: 15_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ state: 'visible' });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`) }).catch(() => undefined);
}

/** The frame (nested in the webview's iframes) whose #app shows a finished run of FILE. */
async function simulatorFrame(file: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const f of page.frames()) {
      const ok = await f
        .evaluate((name) => {
          const app = document.querySelector<HTMLElement>('#app');
          return (
            !!app &&
            app.dataset.state === 'ready' &&
            !!document.querySelector('.timeline-canvas') &&
            (document.querySelector('#app .status')?.textContent ?? '').startsWith(`${name}:`)
          );
        }, file)
        .catch(() => false);
      if (ok) return f;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no simulator view showing a finished run of ${file}`);
}

/** How many instructions the lowered layer c2 of examples/resnet18.vtasched has (`vta lower`, then `vta asm`), as the view prints it. */
let c2Count: string | undefined;
function c2Instructions(): string {
  if (c2Count) return c2Count;
  const dir = mkdtempSync(join(tmpdir(), 'vta-e2e-c2-'));
  try {
    const vta = (...args: string[]) => {
      const r = spawnSync(process.execPath, [join(projectRoot, 'dist/cli/vta.js'), ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, `vta ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    };
    vta('lower', join(projectRoot, 'examples/resnet18.vtasched'), '--layer', 'c2', '-o', join(dir, 'c2.vta'));
    vta('asm', join(dir, 'c2.vta'), '-o', dir);
    const n = (JSON.parse(readFileSync(join(dir, 'c2.layout.json'), 'utf8')) as { instructions: number }).instructions;
    c2Count = n.toLocaleString('en-US');
    return c2Count;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One bar of the cycle timeline, as the view announces it to screen readers. */
interface Bar {
  module: string;
  index: number;
  label: string;
  unit: string;
  start: number;
  end: number;
}

/** The editor's stop line is the line whose text is TEXT: the two sit at the same height. */
async function sameLine(a: import('playwright-core').Locator, b: import('playwright-core').Locator): Promise<boolean> {
  const [ba, bb] = [await a.boundingBox(), await b.boundingBox()];
  return !!ba && !!bb && Math.abs(ba.y - bb.y) < 2 && ba.height > 0;
}

describe('VTA Studio in code-server', { timeout: 600_000 }, () => {
  before(async () => {
    let t0 = Date.now();
    // A copy of the examples, so that Assemble writes nowhere in the repository.
    work = mkdtempSync(join(tmpdir(), 'vta-e2e-'));
    cpSync(join(projectRoot, 'examples'), join(work, 'examples'), { recursive: true });
    // A schedule with one layer that fits (c2) and one whose tile overflows INP (big).
    writeFileSync(
      join(work, 'examples', 'two-layers.vtasched'),
      [
        'target pynq_1x16_i8w8a32_15_15_18_17',
        '',
        'conv2d c2 {',
        '  input  = 1x64x56x56',
        '  filter = 64x64x3x3',
        '  pad    = 1',
        '  stride = 1',
        '  tile   b=1 h=8 w=56 ci=16 co=32',
        '  threads oc=2 h=1',
        '  epilogue shr 8, max 0, min 127',
        '}',
        '',
        'conv2d big {',
        '  input  = 1x64x56x56',
        '  filter = 64x64x3x3',
        '  pad    = 1',
        '  stride = 1',
        '  tile   b=1 h=56 w=56 ci=64 co=64',
        '  threads oc=1 h=1',
        '  epilogue shr 8, max 0, min 127',
        '}',
        '',
      ].join('\n'),
    );
    const p = prepareStudio({ stateDir: join(work, 'studio'), log });
    prepared = p;
    timings.setup = p.seconds.setup;
    timings.freshSetup = p.freshSetup ? 1 : 0;
    timings.buildPackageInstall = p.seconds.build + p.seconds.package + p.seconds.install;
    t0 = Date.now();
    server = await startCodeServer({
      entry: p.entry,
      folder: join(work, 'examples'),
      userDataDir: p.userDataDir,
      extensionsDir: p.extensionsDir,
    });
    timings.codeServerStart = (Date.now() - t0) / 1000;
    t0 = Date.now();
    browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true });
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

  it('runs the packaged .vsix: installed by code-server, minified, without source maps, sources or tests', () => {
    const bytes = statSync(prepared.vsix).size;
    log(`${prepared.vsix}: ${bytes} bytes`);
    assert.ok(prepared.vsix.endsWith(`vta-studio-${packageVersion()}.vsix`), prepared.vsix);
    assert.ok(bytes < VSIX_BUDGET_BYTES, `${bytes} bytes`);
    // code-server unpacked it into the extensions folder: this is the extension the scenarios below drive.
    const installed = readdirSync(prepared.extensionsDir).filter((d) => d.startsWith('vta-studio.vta-studio-'));
    assert.deepEqual(installed, [`vta-studio.vta-studio-${packageVersion()}`]);
    const root = join(prepared.extensionsDir, installed[0]!);
    const files: string[] = [];
    const walk = (dir: string, rel: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`);
        else files.push(`${rel}${e.name}`);
      }
    };
    walk(root, '');
    assert.ok(files.includes('LICENSE.txt') || files.includes('LICENSE'), files.join('\n'));
    assert.ok(files.includes('dist/client/extension.js') && files.includes('dist/server/lsp.js'), files.join('\n'));
    assert.deepEqual(
      files.filter(
        (f) => /\.(map|ts|mts|mjs)$/.test(f) || /^(test|core|server|client|webviews|scripts|node_modules)\//.test(f),
      ),
      [],
    );
    // Minified: the extension bundle's lines are long and few.
    const ext = readFileSync(join(root, 'dist/client/extension.js'), 'utf8');
    assert.ok(ext.split('\n').length < ext.length / 500, 'dist/client/extension.js is minified');
    assert.ok(!/sourceMappingURL/.test(ext), 'no source map reference');
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
      // The semantic hover (beyond the diagnostic's message) names the instruction and shows its encoded fields.
      const hover = page.locator('.monaco-hover-content:visible', { hasText: /opcode/ }).first();
      // A mouse hover can be swallowed while the workbench is still busy: retry, then ask for
      // the hover from the keyboard (Ctrl+K Ctrl+I) with the caret on the word.
      for (let attempt = 0; ; attempt++) {
        await page.mouse.move(0, 0);
        if (attempt % 2 === 0) await word.hover();
        else {
          await word.click();
          await page.keyboard.press('Control+K');
          await page.keyboard.press('Control+I');
        }
        try {
          await hover.waitFor({ state: 'visible', timeout: 8_000 });
          break;
        } catch (e) {
          if (attempt >= 3) throw e;
        }
      }
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
      while (!(existsSync(insn) && existsSync(layout)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      assert.ok(existsSync(insn), 'gemv-two-threads.insn.bin was written');
      assert.ok(
        existsSync(join(work, 'examples', 'gemv-two-threads.dram.bin')),
        'gemv-two-threads.dram.bin was written',
      );
      const bytes = readFileSync(insn);
      assert.ok(bytes.length > 0 && bytes.length % 16 === 0, `16 bytes per instruction (${bytes.length})`);
      const l = JSON.parse(readFileSync(layout, 'utf8')) as { instructions: number; target: string };
      assert.equal(l.instructions * 16, bytes.length);
      await page
        .locator('.notifications-toasts', { hasText: /wrote \d+ instructions/ })
        .first()
        .waitFor({ timeout: 10_000 });
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
      await page.waitForFunction(
        (b) => {
          const t = (document.querySelector('.debug-call-stack') as HTMLElement | null)?.innerText ?? '';
          return t !== b && /#\d+/.test(t) && /paused on step/i.test(t);
        },
        before,
        { timeout: 15_000 },
      );
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

  it('F5 on an example stops at a breakpoint and the Variables view lists the three modules', async () => {
    const t0 = Date.now();
    const toolbar = page.locator('.debug-toolbar');
    try {
      // The GEMM line of the test's copy of examples/gemm-block.vta.
      const lines = readFileSync(join(work, 'examples', 'gemm-block.vta'), 'utf8').split('\n');
      const LINE = lines.findIndex((l) => /^\s*gemm blk outer=4/.test(l)) + 1;
      assert.ok(LINE > 0, 'gemm-block.vta has its GEMM line');
      await openFile('gemm-block.vta');
      const editor = page.locator('.editor-instance .monaco-editor').first();
      const gemmLine = editor.locator('.view-line', { hasText: 'gemm blk outer=4' }).first();
      await gemmLine.waitFor();
      // Cursor on the line, then the command a user runs with F9.
      await gemmLine
        .locator('span span', { hasText: /^gemm$/ })
        .first()
        .click();
      await runCommand('Debug: Toggle Breakpoint');
      const glyph = editor.locator('.codicon-debug-breakpoint, .codicon-debug-breakpoint-unverified').first();
      await glyph.waitFor({ state: 'visible', timeout: 10_000 });
      assert.ok(await sameLine(glyph, gemmLine), 'the breakpoint sits in the gutter of the GEMM line');
      await page
        .locator('.debug-breakpoints .monaco-list-row', { hasText: new RegExp(`gemm-block\\.vta\\s*${LINE}$`) })
        .first()
        .waitFor({ timeout: 10_000 });

      // F5 with no launch.json: the extension's configuration provider makes the launch configuration.
      assert.ok(!existsSync(join(work, 'examples', '.vscode', 'launch.json')), 'no launch.json');
      await page.keyboard.press('F5');
      await toolbar.waitFor({ state: 'visible', timeout: 30_000 });
      const stack = page.locator('.debug-call-stack');
      await stack
        .locator('.monaco-list-row', { hasText: /paused on (entry|breakpoint)/i })
        .first()
        .waitFor({ timeout: 20_000 });
      if (/paused on entry/i.test(await stack.innerText())) {
        // The configuration F5 makes stops on entry first: continue to the breakpoint.
        log('F5 stopped on entry; continuing to the breakpoint');
        await page.keyboard.press('F5');
      }
      await stack
        .locator('.monaco-list-row', { hasText: /paused on breakpoint/i })
        .first()
        .waitFor({ timeout: 20_000 });
      const stackText = await stack.innerText();
      // The compute module stopped at its GEMM, on the breakpoint's line.
      const top = stack.locator('.monaco-list-row', { hasText: /compute #\d+: GEMM/ }).first();
      await top.waitFor({ timeout: 10_000 });
      assert.match(await top.innerText(), new RegExp(`gemm-block\\.vta\\s*${LINE}:`), stackText);
      // The editor marks the paused line: the same line as the breakpoint.
      const stopLines = editor.locator('.view-overlays .debug-top-stack-frame-line');
      await stopLines.first().waitFor({ state: 'attached', timeout: 10_000 });
      let onGemm = false;
      for (const l of await stopLines.all()) onGemm ||= await sameLine(l, gemmLine);
      assert.ok(onGemm, 'the editor shows the stop on the GEMM line');

      // The Variables view: the first scope is the selected thread's module; select each module's frame in turn.
      const vars = page.locator('.debug-variables');
      await vars.locator('.monaco-list-row', { hasText: 'Module compute' }).first().waitFor({ timeout: 10_000 });
      await vars
        .locator('.monaco-list-row', { hasText: new RegExp(`^\\s*line\\s*[:=]?\\s*${LINE}\\s*$`) })
        .first()
        .waitFor({ timeout: 10_000 });
      const seen: string[] = [];
      for (const name of ['load', 'compute', 'store']) {
        const frame = stack.locator('.monaco-list-row', { hasText: new RegExp(`^\\s*${name}( #\\d+|: done)`) }).first();
        if (!(await frame.isVisible())) {
          // A thread that did not stop first is collapsed: expand it.
          await stack
            .locator('.monaco-list-row:has(.thread)', { hasText: name })
            .first()
            .locator('.monaco-tl-twistie')
            .click();
        }
        await frame.waitFor({ state: 'visible', timeout: 10_000 });
        await frame.click();
        await vars
          .locator('.monaco-list-row', { hasText: `Module ${name}` })
          .first()
          .waitFor({ timeout: 10_000 });
        seen.push(name);
      }
      const scopes = await vars.locator('.monaco-list-row').allInnerTexts();
      log(`call stack:\n${stackText}\nvariables: ${JSON.stringify(scopes)}`);
      assert.deepEqual(seen, ['load', 'compute', 'store']);
      await shot('debug-breakpoint');
      await page.keyboard.press('Shift+F5');
      await toolbar.waitFor({ state: 'hidden', timeout: 15_000 });
    } catch (e) {
      await shot('debug-breakpoint-failed');
      throw e;
    } finally {
      if (await toolbar.isVisible().catch(() => false)) {
        await page.keyboard.press('Shift+F5');
        await toolbar.waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
      }
      await runCommand('Remove All Breakpoints').catch((e: Error) =>
        log(`could not remove the breakpoint: ${e.message}`),
      );
      await page
        .locator('.debug-breakpoints .monaco-list-row', { hasText: 'gemm-block.vta' })
        .first()
        .waitFor({ state: 'detached', timeout: 5_000 })
        .catch(() => log('the breakpoint is still listed'));
      timings.debugBreakpoint = (Date.now() - t0) / 1000;
    }
  });

  it('VTA: Open Simulator shows the simulator view of the program', async () => {
    const t0 = Date.now();
    try {
      await openFile('gemv-two-threads.vta');
      await runCommand('VTA: Open Simulator');
      await page
        .locator('.tabs-container .tab', { hasText: /simulat/i })
        .first()
        .waitFor({ timeout: 20_000 });
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

  it('a schedule layer: its code lenses lower it to an untitled program and simulate it to the end', async () => {
    const t0 = Date.now();
    try {
      await openFile('resnet18.vtasched');
      // The language server puts "Lower to .vta" above each layer that fits the hardware; c2 comes first.
      const lens = page.locator('.codelens-decoration a', { hasText: 'Lower to .vta' }).first();
      await lens.waitFor({ timeout: 30_000 });
      await lens.click();
      await page
        .locator('.tabs-container .tab.active', { hasText: /Untitled/ })
        .first()
        .waitFor({ timeout: 20_000 });
      // Monaco renders spaces as no-break spaces.
      const head = (await page.locator('.editor-instance .monaco-editor .view-lines').first().innerText()).replace(
        /\u00a0/g,
        ' ',
      );
      assert.match(head, /Lowered from resnet18\.vtasched by VTA Studio \(vta lower\): c2\./, head.slice(0, 500));
      // The layer's other lens, Simulate, lowers it again and opens the simulator view on it.
      await page.locator('.tabs-container .tab', { hasText: 'resnet18.vtasched' }).first().click();
      const simulateLens = page.locator('.codelens-decoration a', { hasText: 'Simulate' }).first();
      await simulateLens.waitFor({ timeout: 30_000 });
      await simulateLens.click();
      let text = '';
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && !/finished/.test(text)) {
        for (const f of page.frames()) {
          const t = await f.evaluate(() => document.querySelector('#app .status')?.textContent ?? '').catch(() => '');
          if (t.includes(`${c2Instructions()} instructions`)) text = t; // not an earlier run's view
        }
        await new Promise((r) => setTimeout(r, 500));
      }
      // The view ran every instruction of the lowered c2 (as `vta lower` + `vta asm` count them) to FINISH.
      assert.match(text, new RegExp(`${c2Instructions()} instructions, [\\d,]+ cycles[^]*finished`), text);
      await shot('lowered-schedule');
    } catch (e) {
      await shot('lowered-schedule-failed');
      throw e;
    } finally {
      timings.lowerSchedule = (Date.now() - t0) / 1000;
    }
  });

  it('VTA: Open Simulator on gemv-two-threads.vta: the weight load of block j+1 overlaps the GEMMs of block j', async () => {
    const t0 = Date.now();
    try {
      await openFile('gemv-two-threads.vta');
      await runCommand('VTA: Open Simulator');
      const f = await simulatorFrame('gemv-two-threads.vta');
      const counts = await f.evaluate(() =>
        Object.fromEntries(
          Array.from(document.querySelectorAll<HTMLElement>('.lanes-info li')).map((li) => [
            li.dataset.module!,
            Number(li.dataset.bars),
          ]),
        ),
      );
      assert.ok(counts.ld! > 0 && counts.ex! > 0, JSON.stringify(counts));
      // Read the bars the way a screen reader does: the timeline announces each selected bar
      // (module, instruction, label, cycle range) in its live region; record every announcement.
      await f.evaluate(() => {
        const live = document.querySelector('#app [aria-live]')!;
        const w = window as unknown as { __said: string[] };
        w.__said = [];
        new MutationObserver(() => w.__said.push(live.textContent ?? '')).observe(live, {
          childList: true,
          characterData: true,
          subtree: true,
        });
      });
      const canvas = f.locator('.timeline-canvas');
      await canvas.focus();
      // Lane 1 (load) from its first bar to its last; then down to lane 2 (compute), all the way left and right.
      for (let k = 0; k < counts.ld!; k++) await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowDown');
      for (let k = 0; k < counts.ex!; k++) await page.keyboard.press('ArrowLeft');
      for (let k = 0; k < counts.ex!; k++) await page.keyboard.press('ArrowRight');
      const said = await f.evaluate(() => (window as unknown as { __said: string[] }).__said);
      const bars = new Map<string, Bar>();
      for (const t of said) {
        const m =
          /^(load|compute|store) instruction (\d+): (.+?), (cycle|step)s (\d+(?:\.\d+)?) to (\d+(?:\.\d+)?)/.exec(t);
        if (m)
          bars.set(`${m[1]}/${m[2]}`, {
            module: m[1]!,
            index: Number(m[2]),
            label: m[3]!,
            unit: m[4]!,
            start: Number(m[5]),
            end: Number(m[6]),
          });
      }
      const all = [...bars.values()].sort((a, b) => a.index - b.index);
      const ld = all.filter((b) => b.module === 'load');
      const ex = all.filter((b) => b.module === 'compute');
      assert.equal(ld.length, counts.ld, `every load bar read (${said.length} announcements)`);
      assert.equal(ex.length, counts.ex, `every compute bar read (${said.length} announcements)`);
      assert.ok(
        all.every((b) => b.unit === 'cycle'),
        'the timeline is in cycles',
      );
      // Block j: its weight load is the j-th LOAD WGT; its GEMMs come after it in the program and before the next one.
      const wgt = ld.filter((b) => b.label === 'LOAD WGT');
      assert.equal(wgt.length, 4, wgt.map((b) => JSON.stringify(b)).join('\n'));
      const blockOf = (b: Bar) => wgt.filter((w) => w.index < b.index).length - 1;
      const gemms = ex.filter((b) => /^GEMM( reset)?$/.test(b.label));
      assert.equal(gemms.length, 8, gemms.map((b) => JSON.stringify(b)).join('\n'));
      const overlaps: string[] = [];
      for (let j = 0; j + 1 < wgt.length; j++) {
        const next = wgt[j + 1]!;
        for (const g of gemms.filter((b) => blockOf(b) === j)) {
          if (next.start < g.end && g.start < next.end)
            overlaps.push(
              `LOAD WGT of block ${j + 1} [${next.start}, ${next.end}) overlaps GEMM #${g.index} of block ${j} [${g.start}, ${g.end})`,
            );
        }
      }
      log(
        `weight loads: ${wgt.map((b) => `#${b.index} [${b.start}, ${b.end})`).join(' ')}; GEMMs: ${gemms.map((b) => `#${b.index}/block ${blockOf(b)} [${b.start}, ${b.end})`).join(' ')}`,
      );
      log(overlaps.join('\n') || 'no overlap');
      assert.ok(overlaps.length > 0, 'some LOAD WGT of block j+1 overlaps a GEMM of block j');
      await shot('simulator-overlap');
    } catch (e) {
      await shot('simulator-overlap-failed');
      throw e;
    } finally {
      timings.simulatorOverlap = (Date.now() - t0) / 1000;
    }
  });

  // --- Issue 17, point 6: what a first-time user meets (client-only behaviour; the
  // language server's and the debug adapter's parts are in test/protocol/*-ux.test.ts).

  it('VTA: Check on a clean file says there are no problems', async () => {
    const t0 = Date.now();
    try {
      await openFile('gemm-block.vta');
      await runCommand('VTA: Check');
      await page
        .locator('.notifications-toasts', { hasText: 'VTA: no problems in gemm-block.vta.' })
        .first()
        .waitFor({ timeout: 30_000 });
      await shot('check-clean');
    } catch (e) {
      await shot('check-clean-failed');
      throw e;
    } finally {
      timings.checkClean = (Date.now() - t0) / 1000;
    }
  });

  it('load, compute and store instructions have three colours in the default theme', async () => {
    const t0 = Date.now();
    try {
      await openFile('gemm-block.vta');
      const editor = page.locator('.editor-group-container.active .editor-instance');
      const colourOf = (text: string, word: string) =>
        editor
          .locator('.view-line', { hasText: text })
          .first()
          .locator('span span', { hasText: new RegExp(`^${word}$`) })
          .first()
          .evaluate((el) => getComputedStyle(el).color);
      const goTo = async (line: number) => {
        await page.keyboard.press('Control+G');
        await page.keyboard.type(String(line));
        await page.keyboard.press('Enter');
      };
      const lineOf = (re: RegExp) =>
        readFileSync(join(work, 'examples', 'gemm-block.vta'), 'utf8')
          .split('\n')
          .findIndex((l) => re.test(l)) + 1;
      // Semantic tokens arrive after the TextMate colours: wait until load and gemm differ.
      let colours: string[] = [];
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        colours = [await colourOf('load inp', 'load'), await colourOf('gemm blk reset', 'gemm')];
        if (colours[0] !== colours[1]) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      await goTo(lineOf(/^\s*store out/));
      colours.push(await colourOf('store out', 'store'));
      assert.equal(new Set(colours).size, 3, `load, gemm, store: ${colours.join(' | ')}`);
      await shot('module-colours');
    } catch (e) {
      await shot('module-colours-failed');
      throw e;
    } finally {
      timings.moduleColours = (Date.now() - t0) / 1000;
    }
  });

  it('the debug picker offers the workspace programs without a launch.json', async () => {
    const t0 = Date.now();
    try {
      await page.keyboard.press('Escape');
      await runCommand('Debug: Select and Start Debugging');
      const input = page.locator('.quick-input-widget input');
      const vta = page.locator('.quick-input-list .monaco-list-row', { hasText: 'VTA Simulator' }).first();
      await vta.waitFor({ state: 'visible', timeout: 15_000 });
      await vta.click();
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'Debug gemm-block.vta' })
        .first()
        .waitFor({ state: 'visible', timeout: 15_000 });
      await shot('debug-picker');
      await input.press('Escape');
    } catch (e) {
      await shot('debug-picker-failed');
      await page.keyboard.press('Escape');
      throw e;
    } finally {
      timings.debugPicker = (Date.now() - t0) / 1000;
    }
  });

  it('the simulator view of a lowered layer is titled by the layer, not Untitled', async () => {
    const t0 = Date.now();
    try {
      await openFile('two-layers.vtasched');
      const editor = page.locator('.editor-group-container.active .editor-instance');
      // Layers with errors say why they cannot be simulated.
      await editor
        .locator('.codelens-decoration', { hasText: /Cannot simulate: (\d+ errors, first: )?INP needs/ })
        .first()
        .waitFor({ timeout: 30_000 });
      const simulateLens = editor.locator('.codelens-decoration a', { hasText: 'Simulate' }).first();
      await simulateLens.waitFor({ timeout: 30_000 });
      await simulateLens.click();
      await page
        .locator('.tabs-container .tab', { hasText: 'Simulator: c2 of two-layers.vtasched' })
        .first()
        .waitFor({ timeout: 30_000 });
      await shot('simulator-title');
    } catch (e) {
      await shot('simulator-title-failed');
      throw e;
    } finally {
      timings.simulatorTitle = (Date.now() - t0) / 1000;
    }
  });
});
