/**
 * Protocol tests of the client's settings in the language server: the target and the
 * diagnostic tiers, from `initializationOptions` (what client/extension.ts sends) and
 * from `workspace/didChangeConfiguration` (pushed `{ vta: … }` or pulled through
 * `workspace/configuration`).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_CONFIG_KEYS } from '../../core/isa';
import { ensureBuilt, LspClient, ROOT, type Published } from './lsp-harness';

interface ShowMessage {
  type: number;
  message: string;
}

/** A server started as VS Code starts it: initializationOptions, and optionally workspace/configuration. */
class SettingsClient extends LspClient {
  readonly shown: ShowMessage[] = [];
  /** The answer to workspace/configuration (pull model); undefined: the capability is not announced. */
  pulled?: unknown;

  constructor() {
    super();
    this.conn.onNotification('window/showMessage', (m: ShowMessage) => {
      this.shown.push(m);
    });
    this.conn.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) =>
      p.items.map((i) => (i.section === 'vta' ? this.pulled : null)),
    );
  }

  async start(initializationOptions: unknown, root: string, pull = false): Promise<void> {
    await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      capabilities: {
        textDocument: { publishDiagnostics: { relatedInformation: true, versionSupport: true } },
        workspace: pull ? { configuration: true, didChangeConfiguration: { dynamicRegistration: false } } : {},
      },
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: 'ws' }],
      initializationOptions,
    });
    await this.conn.sendNotification('initialized', {});
  }

  configure(settings: unknown): Promise<void> {
    return this.conn.sendNotification('workspace/didChangeConfiguration', { settings });
  }

  /** Waits for the next publication for `uri` after `since` publications that satisfies `pred`. */
  async next(
    uri: string,
    since: number,
    pred: (p: Published) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Published> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = (this.published.get(uri) ?? []).slice(since).filter(pred);
      if (fresh.length) return fresh.at(-1)!;
      if (Date.now() > deadline)
        throw new Error(
          `no new matching diagnostics for ${uri}; last: ${JSON.stringify(this.published.get(uri)?.at(-1))?.slice(0, 2000)}\nstderr: ${this.stderr}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  count(uri: string): number {
    return this.published.get(uri)?.length ?? 0;
  }
}

const codes = (p: Published) => p.diagnostics.map((d) => String(d.code));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
/** examples/elementwise.vta (an `alu mul`) without its `target default` line. */
let mulNoTarget: string;
/** The same program with its own `target default` line. */
let mulOwnTarget: string;
let deadlock: string;
const clients: LspClient[] = [];

async function server(initializationOptions: unknown, pull = false): Promise<SettingsClient> {
  const c = new SettingsClient();
  clients.push(c);
  await c.start(initializationOptions, dir, pull);
  return c;
}

function uriIn(name: string): string {
  return pathToFileURL(join(dir, name)).href;
}

/**
 * Opens `text` as a new document and waits until its diagnostics have settled: the
 * cheap tier, then (tiers 'all') the debounced one, however long the machine takes;
 * with tiers 'fast' it leaves the debounced tier ample time not to come.
 */
async function openSettled(
  c: SettingsClient,
  name: string,
  text: string,
  tiers: 'all' | 'fast' = 'all',
): Promise<Published> {
  const uri = uriIn(name);
  const before = c.count(uri);
  await c.open(uri, text);
  await c.next(uri, before);
  if (tiers === 'all') await c.next(uri, before + 1, () => true, 30_000);
  else await sleep(900);
  return c.published.get(uri)!.at(-1)!;
}

before(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'vta-lsp-settings-'));
  mkdirSync(join(dir, 'cfg'));
  // A vta_config.json for the tsim (Chisel) implementation: no ALU mul.
  writeFileSync(join(dir, 'cfg', 'vta_config.json'), JSON.stringify({ ...DEFAULT_CONFIG_KEYS, TARGET: 'tsim' }));
  writeFileSync(join(dir, 'cfg', 'broken.json'), '{ "TARGET": ');
  mulOwnTarget = readFileSync(resolve(ROOT, 'examples/elementwise.vta'), 'utf8');
  assert.match(mulOwnTarget, /^target default$/m);
  assert.match(mulOwnTarget, /^\s*alu mul /m);
  mulNoTarget = mulOwnTarget.replace(/^target default$/m, '; no target line');
  deadlock = readFileSync(resolve(ROOT, 'examples/defects/deadlock.vta'), 'utf8');
});

after(async () => {
  await Promise.all(clients.map((c) => c.shutdown()));
  rmSync(dir, { recursive: true, force: true });
});

describe('language server settings', () => {
  test('initializationOptions.target applies to files without a target line only', async () => {
    // The stock target: ALU mul exists, no fidelity warning.
    const plain = await server({ target: 'default', diagnostics: { tiers: 'all' } });
    assert.ok(!codes(await openSettled(plain, 'a.vta', mulNoTarget)).includes('vta.fidelity.mul'));

    const tsim = await server({ target: 'tsim', diagnostics: { tiers: 'all' } });
    const p = await openSettled(tsim, 'a.vta', mulNoTarget);
    const mul = p.diagnostics.find((d) => d.code === 'vta.fidelity.mul');
    assert.ok(mul, `tsim: ${JSON.stringify(p.diagnostics)}`);
    assert.equal(mul.severity, 2);
    assert.match(mul.message, /target 'tsim'/);
    assert.equal(
      mul.range.start.line,
      mulNoTarget.split('\n').findIndex((l) => /^\s*alu mul /.test(l)),
    );
    // A file's own `target` line wins over the setting.
    assert.ok(!codes(await openSettled(tsim, 'b.vta', mulOwnTarget)).includes('vta.fidelity.mul'));
    assert.deepEqual(tsim.shown, []);
  });

  test('a tsim target bounds the token queues at 255 (a depth error only tsim causes)', async () => {
    // 256 ld->ex tokens pushed before any pop: fine for fsim's unbounded queues, not for tsim's 255.
    const text = [
      'data a : inp[1] = random(seed=1)',
      'data b : wgt[1] = random(seed=2)',
      'data y : out[1]',
      'kernel k { uop dst=0 src=0 wgt=0 }',
      '  load inp sram=0 dram=a y=1 x=1',
      '  load wgt sram=0 dram=b y=1 x=1',
      '  for i in 0..256 {',
      '    nop ld',
      '    push ld->ex',
      '  }',
      '  load uop k',
      '  for i in 0..256 {',
      '    pop ld->ex',
      '    nop ex',
      '  }',
      '  gemm k reset',
      '  push ex->st',
      '  pop ex->st',
      '  store out sram=0 dram=y y=1 x=1',
      '  push st->ex',
      '  pop st->ex',
      '  finish',
      '',
    ].join('\n');
    const plain = await server({ target: 'default', diagnostics: { tiers: 'all' } });
    const pd = await openSettled(plain, 'q.vta', text);
    assert.deepEqual(pd.diagnostics, []);
    const tsim = await server({ target: 'tsim', diagnostics: { tiers: 'all' } });
    const pt = await openSettled(tsim, 'q.vta', text);
    assert.deepEqual(
      pt.diagnostics.map((d) => [d.code, d.severity, d.range.start.line]),
      [['vta.tokens.depth', 1, 8]],
      JSON.stringify(pt.diagnostics),
    );
    assert.match(pt.diagnostics[0]!.message, /tsim target's queue holds 255/);
  });

  test('a vta_config.json path resolves against the workspace folder', async () => {
    const c = await server({ target: 'cfg/vta_config.json', diagnostics: { tiers: 'all' } });
    const p = await openSettled(c, 'a.vta', mulNoTarget);
    const mul = p.diagnostics.find((d) => d.code === 'vta.fidelity.mul');
    assert.ok(mul, JSON.stringify(p.diagnostics));
    assert.match(mul.message, /cfg\/vta_config\.json/);
    assert.deepEqual(c.shown, []);
  });

  test('an unknown or invalid target warns once and falls back to default', async () => {
    for (const [target, why] of [
      ['nosuchboard', /neither a shipped target/],
      ['cfg/broken.json', /not a usable vta_config\.json/],
    ] as const) {
      const c = await server({ target, diagnostics: { tiers: 'all' } });
      const p = await openSettled(c, 'a.vta', mulNoTarget);
      assert.equal(c.shown.length, 1, JSON.stringify(c.shown));
      assert.equal(c.shown[0]!.type, 2); // Warning
      assert.ok(c.shown[0]!.message.includes(`'${target}'`), c.shown[0]!.message);
      assert.match(c.shown[0]!.message, why);
      assert.match(c.shown[0]!.message, /'default'/);
      // Falls back to default: no fidelity warning, no errors.
      assert.ok(!codes(p).includes('vta.fidelity.mul'));
      assert.deepEqual(
        p.diagnostics.filter((d) => d.severity === 1),
        [],
      );
      // The same setting pushed again (as VS Code does right after start-up) is not shown twice.
      const n = c.count(uriIn('a.vta'));
      await c.configure({ vta: { target, diagnostics: { tiers: 'all' } } });
      await c.next(uriIn('a.vta'), n);
      assert.equal(c.shown.length, 1);
    }
  });

  test("diagnostics.tiers 'fast' publishes only the cheap tier: no token diagnostics for the deadlock", async () => {
    const all = await server({ target: 'default', diagnostics: { tiers: 'all' } });
    const pa = await openSettled(all, 'deadlock.vta', deadlock);
    assert.ok(codes(pa).includes('vta.tokens.deadlock'), JSON.stringify(pa.diagnostics));

    const fast = await server({ target: 'default', diagnostics: { tiers: 'fast' } });
    const pf = await openSettled(fast, 'deadlock.vta', deadlock, 'fast');
    const uri = uriIn('deadlock.vta');
    assert.deepEqual(
      codes(pf).filter((c) => c.startsWith('vta.tokens.') || c.startsWith('vta.hazard.')),
      [],
      JSON.stringify(pf.diagnostics),
    );
    // Only ever the cheap tier: one publication for the one version.
    assert.equal(fast.count(uri), 1);
    // The cheap tier itself still runs: a syntax error shows at once.
    await fast.change(uri, [{ text: deadlock + '\n  gemm k bogus=\n' }]);
    const broken = await fast.next(uri, 1, (p) => p.version === 2);
    assert.ok(
      broken.diagnostics.some((d) => d.severity === 1 && String(d.code).startsWith('vta.syntax')),
      JSON.stringify(broken.diagnostics),
    );
  });

  test('diagnostics.maxInstructions bounds the expansion as you type; a value out of range warns and keeps the default', async () => {
    const loop = 'target default\nfor i in 0..3000 {\n  nop ld\n}\nfinish\n';
    const bounded = await server({ target: 'default', diagnostics: { tiers: 'all', maxInstructions: 2000 } });
    const p = await openSettled(bounded, 'loop.vta', loop);
    const stop = p.diagnostics.filter((d) => d.code === 'vta.bounds.stream');
    assert.equal(stop.length, 1, JSON.stringify(p.diagnostics));
    assert.match(stop[0]!.message, /more than 2000 instructions/);
    assert.equal(stop[0]!.range.start.line, 1); // at the loop
    assert.equal(bounded.shown.length, 0);

    for (const bad of [0, 1.5, 'many', 2 ** 22]) {
      const c = await server({ target: 'default', diagnostics: { tiers: 'all', maxInstructions: bad } });
      const q = await openSettled(c, 'loop.vta', loop);
      assert.equal(c.shown.length, 1, JSON.stringify(c.shown));
      assert.match(c.shown[0]!.message, /diagnostics\.maxInstructions must be an integer from 1 to 2097152/);
      // The default (65,536) holds the 3,000 instructions.
      assert.ok(!codes(q).includes('vta.bounds.stream'), JSON.stringify(q.diagnostics));
    }
  });

  test('didChangeConfiguration (pushed settings) re-checks every open document', async () => {
    const c = await server({ target: 'default', diagnostics: { tiers: 'all' } });
    const mulUri = uriIn('a.vta');
    const dlUri = uriIn('deadlock.vta');
    assert.ok(!codes(await openSettled(c, 'a.vta', mulNoTarget)).includes('vta.fidelity.mul'));
    assert.ok(codes(await openSettled(c, 'deadlock.vta', deadlock)).includes('vta.tokens.deadlock'));

    // The target changes: the open file is checked again without any edit.
    let n = c.count(mulUri);
    await c.configure({ vta: { target: 'tsim', diagnostics: { tiers: 'all' } } });
    await c.next(mulUri, n, (p) => codes(p).includes('vta.fidelity.mul'));

    // The tiers change to fast: the deadlock's token diagnostics go away.
    n = c.count(dlUri);
    await c.configure({ vta: { target: 'tsim', diagnostics: { tiers: 'fast' } } });
    await c.next(dlUri, n);
    await sleep(900);
    assert.deepEqual(
      codes(c.published.get(dlUri)!.at(-1)!).filter((x) => x.startsWith('vta.tokens.')),
      [],
    );
    // Still tsim: the fidelity warning is a cheap-tier finding and stays.
    assert.ok(codes(c.published.get(mulUri)!.at(-1)!).includes('vta.fidelity.mul'));

    // And back: both tiers, the default target.
    n = c.count(dlUri);
    const m = c.count(mulUri);
    await c.configure({ vta: { target: 'default', diagnostics: { tiers: 'all' } } });
    await c.next(dlUri, n, (p) => codes(p).includes('vta.tokens.deadlock'));
    await c.next(mulUri, m);
    await sleep(900);
    assert.ok(!codes(c.published.get(mulUri)!.at(-1)!).includes('vta.fidelity.mul'));
  });

  test('didChangeConfiguration without settings pulls them through workspace/configuration', async () => {
    const c = await server({ target: 'default', diagnostics: { tiers: 'all' } }, true);
    const uri = uriIn('a.vta');
    assert.ok(!codes(await openSettled(c, 'a.vta', mulNoTarget)).includes('vta.fidelity.mul'));
    c.pulled = { target: 'tsim', diagnostics: { tiers: 'all' } };
    const n = c.count(uri);
    await c.configure(null);
    await c.next(uri, n, (p) => codes(p).includes('vta.fidelity.mul'));
  });
});
