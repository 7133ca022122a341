// `npm run studio`: VS Code (code-server 4.100.3, in the browser) with this extension
// installed and examples/ open.
//
//   node scripts/studio.mjs [--port N] [--no-build] [--folder DIR]
//
// 1. installs code-server into ~/.cache/vta-studio (first run only; see
//    scripts/code-server-setup.mjs), 2. builds the bundles and packages the extension
//    with vsce (--no-dependencies: the bundles are self-contained), 3. installs the
//    .vsix into an extensions folder of its own, 4. starts code-server on 127.0.0.1 and
//    prints the URL. Ctrl+C stops it. The test/e2e tests use the same functions.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cacheRoot, setupCodeServer } from './code-server-setup.mjs';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function runOrThrow(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r;
}

/** Builds the bundles (npm run build). */
export function buildProject() {
  runOrThrow(process.execPath, [join(projectRoot, 'scripts', 'build.mjs')]);
}

/** Packages the extension with vsce into OUTDIR/vta-studio.vsix and returns its path. */
export function packageExtension(outDir) {
  mkdirSync(outDir, { recursive: true });
  const vsix = join(outDir, 'vta-studio.vsix');
  const require = createRequire(join(projectRoot, 'package.json'));
  const vsce = join(dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
  runOrThrow(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license',
    '--no-rewrite-relative-links', '--no-update-package-json', '-o', vsix]);
  return vsix;
}

/** Writes code-server's config and the user settings a quiet workbench wants. */
export function prepareUserData(userDataDir) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settings = join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settings)) {
    writeFileSync(settings, JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'security.workspace.trust.enabled': false,
      'chat.disableAIFeatures': true,
      'workbench.colorTheme': 'Default Dark Modern',
    }, null, 2) + '\n');
  }
  const config = join(userDataDir, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  return config;
}

/** Installs a .vsix into EXTENSIONSDIR with code-server's own CLI. */
export function installExtension(entry, vsix, userDataDir, extensionsDir) {
  const config = prepareUserData(userDataDir);
  runOrThrow(process.execPath, [entry, '--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
    '--install-extension', vsix, '--force']);
}

/**
 * Starts code-server on 127.0.0.1 (port 0: any free port) and resolves when it listens.
 * @returns {Promise<{ url: string, port: number, child: import('node:child_process').ChildProcess, log: () => string, stop: () => Promise<void> }>}
 */
export function startCodeServer({ entry, folder, userDataDir, extensionsDir, port = 0, timeoutMs = 60_000 }) {
  const config = prepareUserData(userDataDir);
  const args = [entry, '--config', config, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, folder];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const stop = () => new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => { if (child.exitCode === null) child.kill('SIGKILL'); }, 5000).unref();
  });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => { void stop(); reject(new Error(`code-server did not start in ${timeoutMs} ms:\n${text}`)); }, timeoutMs);
    const onData = (b) => {
      text += b.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+)\/?)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ url: m[1].endsWith('/') ? m[1] : `${m[1]}/`, port: Number(m[2]), child, log: () => text, stop });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`code-server exited (${code}) before listening:\n${text}`)); });
  });
}

/**
 * Everything before the start: code-server, the build, the .vsix and its install.
 * Returns the paths and how long each step took (seconds).
 */
export function prepareStudio({ build = true, stateDir = join(cacheRoot(), 'studio'), log = (s) => process.stderr.write(s + '\n') } = {}) {
  const t = {};
  let t0 = Date.now();
  const cs = setupCodeServer({ log });
  t.setup = (Date.now() - t0) / 1000;
  t0 = Date.now();
  if (build) buildProject();
  t.build = (Date.now() - t0) / 1000;
  t0 = Date.now();
  const vsix = packageExtension(join(stateDir, 'vsix'));
  t.package = (Date.now() - t0) / 1000;
  t0 = Date.now();
  const userDataDir = join(stateDir, 'user-data');
  const extensionsDir = join(stateDir, 'extensions');
  installExtension(cs.entry, vsix, userDataDir, extensionsDir);
  t.install = (Date.now() - t0) / 1000;
  return { entry: cs.entry, vsix, userDataDir, extensionsDir, freshSetup: cs.fresh, seconds: t };
}

async function main() {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, 'no-build': { type: 'boolean' }, folder: { type: 'string' } } });
  const folder = resolve(projectRoot, values.folder ?? 'examples');
  const version = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).version;
  const p = prepareStudio({ build: !values['no-build'] });
  const s = p.seconds;
  console.error(`vta-studio: code-server ${p.freshSetup ? `set up in ${s.setup.toFixed(1)} s` : "ready"}; build ${s.build.toFixed(1)} s, package ${s.package.toFixed(1)} s, install ${s.install.toFixed(1)} s (vta-studio ${version})`);
  const server = await startCodeServer({ entry: p.entry, folder, userDataDir: p.userDataDir, extensionsDir: p.extensionsDir, port: Number(values.port) });
  console.log(`VTA Studio: ${server.url}?folder=${encodeURIComponent(folder)}`);
  server.child.stdout.pipe(process.stderr);
  server.child.stderr.pipe(process.stderr);
  const quit = () => { void server.stop().then(() => process.exit(0)); };
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
  server.child.on('exit', (code) => process.exit(code ?? 0));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => {
    console.error(`vta-studio: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
