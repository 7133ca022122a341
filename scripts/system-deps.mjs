// The one place that finds, or installs, what the project needs from outside the npm
// registry: Debian's Chromium (browser tests, the E2E tests, the simulator-view benchmark,
// the icon) and, for code-server (`npm run studio`, E2E), Debian's ripgrep and the Kerberos
// headers. `npm test`, `npm run studio`, the E2E tests and .ci/run all come here.
//
//   node scripts/system-deps.mjs [chromium] [code-server]     (no argument: both)
//
// What is present is used as it is: CHROMIUM_PATH first (any Chromium or Chrome), then a
// chromium on PATH. What is missing is installed with apt-get when that can be done without
// asking (root on Debian or Ubuntu), with --no-install-recommends, printing one progress
// line; apt's own output goes to a log file that is named only when it fails. Otherwise the
// message says what to install, or which variable to set.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The flags every headless Chromium of the project starts with: no network of its own, no sandbox (root). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
const CHROMIUM_APPS = [
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** NAME's executable on PATH, or undefined. */
export function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * The Chromium to drive: $CHROMIUM_PATH when set (an error if it is not an executable),
 * else the first of chromium, chromium-browser, google-chrome on PATH (or a macOS
 * application); undefined if none.
 */
export function findChromium() {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!executable(given)) throw new Error(`CHROMIUM_PATH=${given} is not an executable file`);
    return resolve(given);
  }
  for (const name of CHROMIUM_NAMES) {
    const p = onPath(name);
    if (p) return p;
  }
  return CHROMIUM_APPS.find(executable);
}

/** The Chromium to drive, or an error that says how to get one. */
export function chromiumPath() {
  const p = findChromium();
  if (!p)
    throw new Error(
      `no Chromium found (\`npm test\` installs Debian's as root: node scripts/system-deps.mjs chromium). ${howToInstall(['chromium'])}`,
    );
  return p;
}

function hasKerberosHeaders() {
  // macOS has them in its SDK, where node-gyp finds them.
  return (
    process.platform === 'darwin' ||
    existsSync('/usr/include/krb5.h') ||
    existsSync('/usr/include/krb5/krb5.h') ||
    existsSync('/usr/include/x86_64-linux-gnu/krb5.h') ||
    existsSync('/usr/include/aarch64-linux-gnu/krb5.h')
  );
}

/** What each use needs: Debian package name and how to tell it is already there. */
export const NEEDS = {
  chromium: [
    {
      pkg: 'chromium',
      present: () => findChromium() !== undefined,
      other: 'any Chromium or Chrome, then set CHROMIUM_PATH to it',
    },
  ],
  'code-server': [
    { pkg: 'ripgrep', present: () => onPath('rg') !== undefined, other: 'ripgrep (`rg` on PATH)' },
    {
      pkg: 'libkrb5-dev',
      present: hasKerberosHeaders,
      other: 'the MIT Kerberos development headers (krb5.h), e.g. krb5-devel or krb5',
    },
  ],
};

function howToInstall(pkgs) {
  const others = Object.values(NEEDS)
    .flat()
    .filter((n) => pkgs.includes(n.pkg))
    .map((n) => n.other);
  return (
    `On Debian or Ubuntu: sudo apt-get install --no-install-recommends ${pkgs.join(' ')}. ` +
    `Elsewhere install ${others.join('; ')}. (README.md, "System packages")`
  );
}

/** The Debian packages that USES (keys of NEEDS) lack on this machine. */
export function missingPackages(uses) {
  return uses.flatMap((u) => {
    if (!NEEDS[u]) throw new Error(`unknown use ${u}: one of ${Object.keys(NEEDS).join(', ')}`);
    return NEEDS[u].filter((n) => !n.present()).map((n) => n.pkg);
  });
}

function canApt() {
  return typeof process.getuid === 'function' && process.getuid() === 0 && onPath('apt-get') !== undefined;
}

/**
 * Makes sure what USES need is present, installing the missing Debian packages as root.
 * Prints nothing when all is there; else one line before and one after.
 * @param {string[]} uses keys of NEEDS
 * @param {{ log?: (s: string) => void }} [opts]
 * @returns {{ installed: string[], seconds: number }}
 */
export function ensureSystemDeps(uses, opts = {}) {
  const log = opts.log ?? ((s) => process.stderr.write(s + '\n'));
  const missing = missingPackages(uses);
  if (!missing.length) return { installed: [], seconds: 0 };
  if (!canApt()) throw new Error(`missing ${missing.join(', ')}. ${howToInstall(missing)}`);
  const t0 = Date.now();
  const logFile = join(tmpdir(), `vta-studio-apt-${process.pid}.log`);
  log(
    `vta-studio: installing Debian packages ${missing.join(' ')} with apt-get (first time only; see README.md, "System packages")…`,
  );
  let text = '';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-q'],
    ['install', '-y', '-q', '--no-install-recommends', ...missing],
  ]) {
    const r = spawnSync('apt-get', args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
    text += `$ apt-get ${args.join(' ')}\n${r.stdout ?? ''}${r.stderr ?? ''}`;
    if (r.status !== 0) {
      writeFileSync(logFile, text);
      const tail = text.trim().split('\n').slice(-8).join('\n');
      throw new Error(`apt-get ${args[0]} failed (full output in ${logFile}):\n${tail}\n${howToInstall(missing)}`);
    }
  }
  const still = missingPackages(uses);
  if (still.length)
    throw new Error(
      `apt-get installed ${missing.join(' ')}, but ${still.join(', ')} still cannot be found. ${howToInstall(still)}`,
    );
  const counts = /(\d+) upgraded, (\d+) newly installed/.exec(text);
  const seconds = (Date.now() - t0) / 1000;
  const n = (k, what) => `${k} ${what}${k === '1' ? '' : 's'}`;
  log(
    `vta-studio: installed ${missing.join(' ')} in ${seconds.toFixed(0)} s${counts ? ` (${n(counts[2], 'new package')}, ${counts[1]} upgraded)` : ''}`,
  );
  return { installed: missing, seconds };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const uses = process.argv.slice(2);
  try {
    ensureSystemDeps(uses.length ? uses : Object.keys(NEEDS));
  } catch (e) {
    console.error(`vta-studio: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
