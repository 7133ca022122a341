/**
 * Browser-test harness for the simulator view: serves the built webview bundles, the
 * CSS and the page (the same HTML and CSP the extension uses) from 127.0.0.1, starts
 * Chromium through playwright-core, and stands in for acquireVsCodeApi. The browser is the
 * one scripts/system-deps.mjs finds ($CHROMIUM_PATH, else chromium on PATH); `npm test`
 * installs Debian's when it is missing.
 */
import { readFileSync, existsSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { simulatorHtml } from '../../webviews/simulator/html';
import { exploreHtml } from '../../webviews/explore/html';
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/system-deps.mjs';

export const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = join(ROOT, 'test-output/screenshots');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.html': 'text/html',
};

export interface Harness {
  origin: string;
  browser: Browser;
  close(): Promise<void>;
  /** A page of the simulator view, or of another view (`view: 'explore'`). */
  newPage(opts?: {
    width?: number;
    height?: number;
    theme?: 'dark' | 'light';
    view?: 'simulator' | 'explore';
  }): Promise<Page>;
}

const DARK = {
  '--vscode-foreground': '#cccccc',
  '--vscode-editor-background': '#1e1e1e',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-font-family': 'sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-focusBorder': '#007fd4',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-orange': '#d18616',
  '--vscode-errorForeground': '#f48771',
  '--vscode-editorWidget-border': '#454545',
  '--vscode-textLink-foreground': '#3794ff',
};
const LIGHT = {
  ...DARK,
  '--vscode-foreground': '#616161',
  '--vscode-editor-background': '#ffffff',
  '--vscode-descriptionForeground': '#717171',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-green': '#388a34',
  '--vscode-charts-yellow': '#bf8803',
  '--vscode-errorForeground': '#a1260d',
  '--vscode-editorWidget-border': '#c8c8c8',
};

export async function startHarness(): Promise<Harness> {
  if (!existsSync(join(ROOT, 'dist/webviews/simulator.js')))
    throw new Error('run `npm run build` first: dist/webviews/simulator.js is missing');
  // `npm test` installs Chromium first if it is missing; a single test file run alone does not.
  const executablePath = chromiumPath();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const nonce = 'dGVzdG5vbmNlLTEyMzQ1Njc4OTA';
  let origin = '';
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin || 'http://127.0.0.1');
    let file: string | undefined;
    if (url.pathname === '/' || url.pathname === '/index.html' || url.pathname === '/explore.html') {
      const theme = url.searchParams.get('theme') === 'light' ? LIGHT : DARK;
      // VS Code sets the --vscode-* variables on <html>; here a stylesheet from the same origin does (CSP allows it).
      const html = (
        url.pathname === '/explore.html'
          ? exploreHtml({
              cspSource: origin,
              nonce,
              scriptUri: `${origin}/dist/webviews/explore.js`,
              styleUri: `${origin}/media/explore.css`,
            })
          : simulatorHtml({
              cspSource: origin,
              nonce,
              scriptUri: `${origin}/dist/webviews/simulator.js`,
              workerUri: `${origin}/dist/webviews/sim-worker.js`,
              styleUri: `${origin}/media/simulator.css`,
            })
      ).replace(
        '</head>',
        `<link rel="stylesheet" href="${origin}/theme.css?${theme === LIGHT ? 'light' : 'dark'}" nonce="${nonce}">\n</head>`,
      );
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
      return;
    }
    if (url.pathname === '/theme.css') {
      const theme = url.search.includes('light') ? LIGHT : DARK;
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(
        `:root { ${Object.entries(theme)
          .map(([k, v]) => `${k}: ${v};`)
          .join(' ')} }`,
      );
      return;
    }
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
      return;
    }
    if (url.pathname.startsWith('/dist/webviews/') || url.pathname.startsWith('/media/'))
      file = join(ROOT, url.pathname);
    if (!file || file.includes('..') || !existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A browser that cannot start must fail the suite, not leave the server holding the
  // test process open until the runner is killed.
  const browser = await chromium
    .launch({ executablePath, args: CHROMIUM_ARGS, headless: true })
    .catch(async (e: unknown) => {
      await new Promise<void>((r) => server.close(() => r()));
      throw e;
    });
  return {
    origin,
    browser,
    async close() {
      await browser.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
    async newPage(opts = {}) {
      const page = await browser.newPage({ viewport: { width: opts.width ?? 1100, height: opts.height ?? 900 } });
      // A string, not a function: the test runner's transpiler would add helpers the page lacks.
      await page.addInitScript(`
        window.__posted = [];
        let state;
        window.acquireVsCodeApi = () => ({
          postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); },
          getState: () => state,
          setState: (s) => { state = s; },
        });`);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      (page as unknown as { vtaErrors: string[] }).vtaErrors = errors;
      await page.goto(`${origin}/${opts.view === 'explore' ? 'explore.html' : ''}?theme=${opts.theme ?? 'dark'}`);
      await page
        .waitForFunction(
          () => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'ready'),
          undefined,
          { timeout: 10_000 },
        )
        .catch((e) => {
          throw new Error(`${String(e)}\n${errors.join('\n')}`);
        });
      return page;
    },
  };
}

/** Sends a program as the extension would and waits until the view shows a run or an error. */
export async function sendProgram(page: Page, text: string, file: string, target?: string): Promise<'ready' | 'error'> {
  await page.evaluate(() => {
    document.getElementById('app')!.dataset.state = 'sent';
  });
  await page.evaluate(
    ([text, file, target]) => {
      window.postMessage(target ? { type: 'program', text, file, target } : { type: 'program', text, file }, '*');
    },
    [text, file, target] as const,
  );
  await page.waitForFunction(
    () => ['ready', 'error'].includes(document.getElementById('app')!.dataset.state ?? ''),
    undefined,
    { timeout: 60_000 },
  );
  return (await page.evaluate(() => document.getElementById('app')!.dataset.state)) as 'ready' | 'error';
}

export async function posted(page: Page): Promise<Array<Record<string, unknown>>> {
  return page.evaluate(() => (window as unknown as { __posted: Array<Record<string, unknown>> }).__posted);
}
