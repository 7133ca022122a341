// Installs code-server 4.100.3 (VS Code 1.100, the last release that runs on Node 20)
// into a cache folder this script owns, outside the project's dependency tree, from the
// npm registry only (README.md, "VS Code in the browser": what it downloads, and sizes).
// Idempotent: a finished install leaves a marker and later runs return at once.
//
//   node scripts/code-server-setup.mjs [--force]   install (if needed) and print the folder
//
// Needs ripgrep and the Kerberos headers (for the kerberos module): scripts/system-deps.mjs
// finds or installs them. npm's output is kept out of sight: one progress line per step.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystemDeps, onPath } from './system-deps.mjs';

export const CODE_SERVER_VERSION = '4.100.3';

/** The folder code-server is installed into (override with VTA_STUDIO_CACHE). */
export function cacheRoot() {
  const base =
    process.env.VTA_STUDIO_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'vta-studio');
  return resolve(base);
}

export function codeServerDir() {
  return join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

/** The script to run with `node` to start code-server. */
export function codeServerEntry(dir = codeServerDir()) {
  return join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

const MARKER = '.vta-studio-ready';

export function isInstalled(dir = codeServerDir()) {
  const m = join(dir, MARKER);
  return existsSync(m) && readFileSync(m, 'utf8').trim() === CODE_SERVER_VERSION && existsSync(codeServerEntry(dir));
}

function run(cmd, args, cwd, extraEnv = {}) {
  const r = spawnSync(cmd, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    env: {
      ...process.env,
      npm_config_yes: 'true',
      npm_config_unsafe_perm: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      // No binary downloads from anywhere but the npm registry.
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
      ...extraEnv,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (status ${r.status}):\n${tail}`);
  }
}

function link(target, path) {
  try {
    lstatSync(path);
    rmSync(path, { recursive: true, force: true });
  } catch {
    /* absent */
  }
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

/**
 * Progress on one line: rewritten in place on a terminal, one short line per step in a log.
 * @param {(s: string) => void} log
 */
function progress(log, total) {
  const tty = process.stderr.isTTY && log === defaultLog;
  let step = 0;
  return {
    next(what) {
      step++;
      const line = `vta-studio: code-server ${CODE_SERVER_VERSION} [${step}/${total}] ${what}`;
      if (tty) process.stderr.write(`\r\x1b[K${line}`);
      else log(line);
    },
    done(line) {
      if (tty) process.stderr.write('\r\x1b[K');
      log(line);
    },
  };
}

function defaultLog(s) {
  process.stderr.write(s + '\n');
}

/** Megabytes under DIR (du), or undefined where du is missing. */
function megabytes(dir) {
  const r = spawnSync('du', ['-sm', dir], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.split(/\s/)[0]) : undefined;
}

/**
 * Installs code-server unless already there. Returns { dir, entry, seconds, fresh }.
 * @param {{ log?: (s: string) => void, force?: boolean }} [opts]
 */
export function setupCodeServer(opts = {}) {
  const log = opts.log ?? defaultLog;
  const dir = codeServerDir();
  const t0 = Date.now();
  if (!opts.force && isInstalled(dir)) return { dir, entry: codeServerEntry(dir), seconds: 0, fresh: false };
  ensureSystemDeps(['code-server'], { log });
  log(
    `vta-studio: installing code-server ${CODE_SERVER_VERSION} from the npm registry into ${dir} (first run only: about 95 MB to download, 363 MB on disk, 3–4 minutes)`,
  );
  rmSync(join(dir, MARKER), { force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'vta-studio-code-server',
        private: true,
        description: 'code-server for VTA Studio (installed by scripts/code-server-setup.mjs)',
        dependencies: { 'code-server': CODE_SERVER_VERSION },
        allowScripts: { 'code-server': true },
      },
      null,
      2,
    ) + '\n',
  );
  const rg = onPath('rg');
  const p = progress(log, 5);

  // 1. code-server itself, without its install scripts (they would download things).
  p.next('code-server package');
  if (!existsSync(join(dir, 'node_modules', 'code-server', 'package.json'))) {
    run('npm', ['install', '--ignore-scripts', '--no-package-lock', `code-server@${CODE_SERVER_VERSION}`], dir);
  }
  const vscode = join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  // 2. VS Code's own server dependencies.
  p.next("VS Code server's modules");
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-package-lock'], vscode);
  // 3. ripgrep: the system's binary instead of @vscode/ripgrep's download.
  link(rg, join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'));
  // 4. Native modules, built against this Node.
  p.next('native modules (node-gyp)');
  run('npm', ['rebuild', '--omit=dev'], vscode);
  // The rebuild may have re-run ripgrep's postinstall; make sure the link is there.
  link(rg, join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'));
  // 5. VS Code looks for node_modules.asar.
  link('node_modules', join(vscode, 'node_modules.asar'));
  // 6. The built-in extensions' dependencies.
  p.next("built-in extensions' modules");
  run('npm', ['install', '--omit=dev', '--no-package-lock'], join(vscode, 'extensions'));
  // 7. argon2 (password hashing; loaded at start-up even with --auth none).
  p.next('argon2');
  run('npm', ['rebuild', 'argon2'], dir);

  writeFileSync(join(dir, MARKER), CODE_SERVER_VERSION + '\n');
  const seconds = (Date.now() - t0) / 1000;
  const mb = megabytes(dir);
  p.done(
    `vta-studio: code-server ${CODE_SERVER_VERSION} installed in ${seconds.toFixed(0)} s${mb ? ` (${mb} MB in ${dir})` : ''}`,
  );
  return { dir, entry: codeServerEntry(dir), seconds, fresh: true };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const r = setupCodeServer({ force: process.argv.includes('--force') });
    console.log(r.dir);
  } catch (e) {
    console.error(`vta-studio: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
