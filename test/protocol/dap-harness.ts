/**
 * Drives the bundled debug adapter (`node bin/vta.cjs debug-adapter`) over stdio with
 * @vscode/debugadapter-testsupport, as an editor would.
 */
import { resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const ROOT = resolve(import.meta.dirname, '../..');
/** Thread ids: the three modules. */
export const THREAD = { ld: 1, ex: 2, st: 3 } as const;

/** A started and initialized client for `f`, stopped afterwards. */
export async function withClient(f: (dc: DebugClient) => Promise<void>): Promise<void> {
  const dc = new DebugClient(
    'node',
    `"${resolve(ROOT, 'bin/vta.cjs')}" debug-adapter`,
    'vta',
    { shell: true, cwd: ROOT },
    false,
  );
  dc.defaultTimeout = 10_000;
  await dc.start();
  try {
    await dc.initializeRequest({ adapterID: 'vta', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    await f(dc);
  } finally {
    await dc.stop();
  }
}

/** Runs a request that moves the program and waits for the stop it causes. */
export async function motion(dc: DebugClient, f: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = dc.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await f();
  return stopped;
}
