// `npm run studio`: VS Code (code-server 4.100.3, in the browser) with this extension
// installed and examples/ open.
//
//   node scripts/studio.mjs [--port N] [--folder DIR] [--no-build]
//
// 1. finds or installs what code-server needs (scripts/system-deps.mjs) and code-server
//    itself into ~/.cache/vta-studio (first run only; scripts/code-server-setup.mjs),
// 2. packages the extension as `npm run package` does (scripts/package.mjs; --no-build
//    takes the .vsix already there), 3. installs the .vsix into an extensions folder of
//    its own, 4. starts code-server on 127.0.0.1 and prints the URL. Ctrl+C stops it.
//    See README.md, "VS Code in the browser". The test/e2e tests use the same functions.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cacheRoot, setupCodeServer } from './code-server-setup.mjs';
import { defaultVsixPath, packageExtension, projectRoot } from './package.mjs';

export { projectRoot };

function runOrThrow(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}):\n${r.stdout ?? ''}${r.stderr ?? ''}`);
  return r;
}

/** Writes code-server's config and the user settings a quiet workbench wants. */
export function prepareUserData(userDataDir) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const settings = join(userDataDir, 'User', 'settings.json');
  if (!existsSync(settings)) {
    writeFileSync(
      settings,
      JSON.stringify(
        {
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
        },
        null,
        2,
      ) + '\n',
    );
  }
  const config = join(userDataDir, 'config.yaml');
  writeFileSync(config, 'auth: none\ncert: false\n');
  return config;
}

/** Installs a .vsix into EXTENSIONSDIR with code-server's own CLI. */
export function installExtension(entry, vsix, userDataDir, extensionsDir) {
  const config = prepareUserData(userDataDir);
  runOrThrow(process.execPath, [
    entry,
    '--config',
    config,
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    '--install-extension',
    vsix,
    '--force',
  ]);
}

/**
 * Starts code-server on 127.0.0.1 (port 0: any free port) and resolves when it listens.
 * @returns {Promise<{ url: string, port: number, child: import('node:child_process').ChildProcess, log: () => string, stop: () => Promise<void> }>}
 */
export function startCodeServer({ entry, folder, userDataDir, extensionsDir, port = 0, timeoutMs = 60_000 }) {
  const config = prepareUserData(userDataDir);
  const args = [
    entry,
    '--config',
    config,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    folder,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const stop = () =>
    new Promise((res) => {
      if (child.exitCode !== null || child.signalCode !== null) return res();
      child.once('exit', () => res());
      child.kill('SIGTERM');
      setTimeout(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
      }, 5000).unref();
    });
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`code-server did not start in ${timeoutMs} ms:\n${text}`));
    }, timeoutMs);
    const onData = (b) => {
      text += b.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:(\d+)\/?)/.exec(text);
      if (m) {
        clearTimeout(timer);
        resolvePromise({
          url: m[1].endsWith('/') ? m[1] : `${m[1]}/`,
          port: Number(m[2]),
          child,
          log: () => text,
          stop,
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code}) before listening:\n${text}`));
    });
  });
}

/**
 * Everything before the start: code-server, the .vsix (packaged now unless build is
 * false) and its install. Returns the paths and how long each step took (seconds).
 */
export function prepareStudio({
  build = true,
  stateDir = join(cacheRoot(), 'studio'),
  log = (s) => process.stderr.write(s + '\n'),
} = {}) {
  const t = {};
  let t0 = Date.now();
  const cs = setupCodeServer({ log });
  t.setup = (Date.now() - t0) / 1000;
  t0 = Date.now();
  const vsix = defaultVsixPath();
  if (build) {
    const p = packageExtension({ out: vsix });
    t.build = p.seconds.build;
    t.package = p.seconds.package;
  } else {
    if (!existsSync(vsix))
      throw new Error(`${vsix} is missing: run \`npm run package\` first, or leave out --no-build`);
    t.build = 0;
    t.package = 0;
  }
  t0 = Date.now();
  const userDataDir = join(stateDir, 'user-data');
  const extensionsDir = join(stateDir, 'extensions');
  installExtension(cs.entry, vsix, userDataDir, extensionsDir);
  t.install = (Date.now() - t0) / 1000;
  return { entry: cs.entry, vsix, userDataDir, extensionsDir, freshSetup: cs.fresh, seconds: t };
}

async function main() {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, 'no-build': { type: 'boolean' }, folder: { type: 'string' } },
  });
  // npm runs scripts in the project folder; a relative --folder means the caller's folder.
  const folder = values.folder
    ? resolve(process.env.INIT_CWD ?? process.cwd(), values.folder)
    : join(projectRoot, 'examples');
  if (!existsSync(folder)) throw new Error(`--folder ${folder} does not exist`);
  const p = prepareStudio({ build: !values['no-build'] });
  const s = p.seconds;
  const vsix = basename(p.vsix);
  const packaged = values['no-build']
    ? `installed ${vsix} in ${s.install.toFixed(0)} s`
    : `packaged ${vsix} in ${(s.build + s.package).toFixed(0)} s and installed it in ${s.install.toFixed(0)} s`;
  console.error(`vta-studio: code-server ${p.freshSetup ? `set up in ${s.setup.toFixed(0)} s` : 'ready'}; ${packaged}`);
  const server = await startCodeServer({
    entry: p.entry,
    folder,
    userDataDir: p.userDataDir,
    extensionsDir: p.extensionsDir,
    port: Number(values.port),
  });
  console.log(`VTA Studio: ${server.url}?folder=${encodeURIComponent(folder)}`);
  console.error(
    `vta-studio: from another machine: ssh -L ${server.port}:127.0.0.1:${server.port} THIS-HOST, then open that address there (README.md, "VS Code in the browser")`,
  );
  server.child.stdout.pipe(process.stderr);
  server.child.stderr.pipe(process.stderr);
  const quit = () => {
    void server.stop().then(() => process.exit(0));
  };
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
