/**
 * Drives the bundled language server (`node bin/vta.cjs lsp --stdio`) over JSON-RPC,
 * as an editor would. Collects published diagnostics per URI.
 */
import { after, before } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';

export const ROOT = resolve(import.meta.dirname, '..', '..');

export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  message: string;
  data?: unknown;
}

export interface Published {
  uri: string;
  version?: number;
  diagnostics: LspDiagnostic[];
}

export class LspClient {
  readonly proc: ChildProcess;
  readonly conn: MessageConnection;
  readonly published = new Map<string, Published[]>();
  /** The server's window/logMessage lines. */
  readonly logs: string[] = [];
  private readonly waiters: Array<() => void> = [];
  readonly versions = new Map<string, number>();
  stderr = '';
  exited = false;
  /** What the server announced at initialize. */
  capabilities: Record<string, unknown> = {};

  constructor() {
    this.proc = spawn(process.execPath, [resolve(ROOT, 'bin/vta.cjs'), 'lsp', '--stdio'], {
      cwd: ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stderr!.on('data', (d) => {
      this.stderr += String(d);
    });
    this.proc.on('exit', () => {
      this.exited = true;
    });
    this.conn = createMessageConnection(
      new StreamMessageReader(this.proc.stdout!),
      new StreamMessageWriter(this.proc.stdin!),
    );
    this.conn.onNotification('textDocument/publishDiagnostics', (p: Published) => {
      const list = this.published.get(p.uri) ?? [];
      list.push(p);
      this.published.set(p.uri, list);
      for (const w of this.waiters.splice(0)) w();
    });
    this.conn.onNotification('window/logMessage', (m: { message: string }) => {
      this.logs.push(m.message);
    });
    this.conn.onRequest('workspace/configuration', () => []);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('workspace/semanticTokens/refresh', () => null);
    this.conn.onRequest('workspace/inlayHint/refresh', () => null);
    this.conn.listen();
  }

  async initialize(): Promise<{ capabilities: Record<string, unknown> }> {
    const r = (await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(ROOT).href,
      capabilities: {
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          completion: { completionItem: { snippetSupport: true } },
          rename: { prepareSupport: true },
          semanticTokens: { requests: { full: true }, tokenTypes: [], tokenModifiers: [], formats: ['relative'] },
        },
        workspace: { workspaceEdit: { documentChanges: false } },
      },
      workspaceFolders: null,
    })) as { capabilities: Record<string, unknown> };
    await this.conn.sendNotification('initialized', {});
    this.capabilities = r.capabilities;
    return r;
  }

  request<R = unknown>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  open(uri: string, text: string, languageId = uri.endsWith('.vtasched') ? 'vtasched' : 'vta'): Promise<void> {
    this.versions.set(uri, 1);
    return this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
  }

  openFile(rel: string): { uri: string; text: string } {
    const path = resolve(ROOT, rel);
    const uri = pathToFileURL(path).href;
    const text = readFileSync(path, 'utf8');
    void this.open(uri, text);
    return { uri, text };
  }

  close(uri: string): Promise<void> {
    return this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  change(uri: string, changes: Array<{ range?: LspDiagnostic['range']; text: string }>): Promise<void> {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    return this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: changes,
    });
  }

  /** Waits until a publication for `uri` satisfies `pred` (the newest one is checked). */
  async diagnostics(uri: string, pred: (p: Published) => boolean, timeoutMs = 10_000): Promise<Published> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const last = this.published.get(uri)?.at(-1);
      if (last && pred(last)) return last;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no matching diagnostics for ${uri}; last: ${JSON.stringify(last)?.slice(0, 2000)}\nstderr: ${this.stderr}`,
        );
      await new Promise<void>((res) => {
        const t = setTimeout(res, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          res();
        });
      });
    }
  }

  /** Waits for the expensive tier of the current version (published after the debounce). */
  async settled(uri: string, timeoutMs = 10_000): Promise<Published> {
    const version = this.versions.get(uri);
    const before = Date.now();
    const p = await this.diagnostics(uri, (x) => x.version === version, timeoutMs);
    // The cheap tier comes first; the full tier follows the debounce. Wait for a quiet moment.
    await new Promise((r) => setTimeout(r, Math.max(0, 600 - (Date.now() - before))));
    return (
      this.published
        .get(uri)!
        .filter((x) => x.version === version)
        .at(-1) ?? p
    );
  }

  async shutdown(): Promise<void> {
    try {
      await Promise.race([this.request('shutdown', null), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit');
    } catch {
      // already gone
    }
    await new Promise((r) => setTimeout(r, 200));
    if (!this.exited) this.proc.kill();
    this.conn.dispose();
  }
}

export function uriOf(rel: string): string {
  return pathToFileURL(resolve(ROOT, rel)).href;
}

/** Position of the `n`th occurrence (0-based) of `needle` in `text`. */
export function posOf(text: string, needle: string, n = 0, offset = 0): { line: number; character: number } {
  let idx = -1;
  for (let i = 0; i <= n; i++) {
    idx = text.indexOf(needle, idx + 1);
    if (idx < 0) throw new Error(`'${needle}' #${n} not found`);
  }
  idx += offset;
  const before = text.slice(0, idx);
  const line = before.split('\n').length - 1;
  return { line, character: idx - (before.lastIndexOf('\n') + 1) };
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = resolve(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (name.endsWith('.ts')) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

/**
 * Builds the bundles when they are missing or older than the sources (`npm test` has
 * just built them, so concurrent test files never see a half-written bundle).
 */
export function ensureBuilt(): void {
  const bundles = ['dist/cli/vta.js', 'dist/server/lsp.js'].map((b) => resolve(ROOT, b));
  const oldest = Math.min(...bundles.map((b) => (existsSync(b) ? statSync(b).mtimeMs : 0)));
  const newest = Math.max(newestSource(resolve(ROOT, 'core')), newestSource(resolve(ROOT, 'server')));
  if (oldest < newest) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'pipe' });
}

/**
 * The language server of one test file: started (built first if needed) and initialized
 * before its tests, shut down after them. Call at the top level; the tests read it with `lsp()`.
 */
export function serverForFile(): () => LspClient {
  let client: LspClient | undefined;
  before(async () => {
    ensureBuilt();
    client = new LspClient();
    await client.initialize();
  });
  after(async () => {
    await client?.shutdown();
  });
  return () => client!;
}
