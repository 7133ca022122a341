// Types of scripts/studio.mjs, for test/e2e.
import type { ChildProcess } from 'node:child_process';

export declare const projectRoot: string;
export declare function prepareUserData(userDataDir: string): string;
export declare function installExtension(entry: string, vsix: string, userDataDir: string, extensionsDir: string): void;
export interface StudioServer {
  url: string;
  port: number;
  child: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}
export declare function startCodeServer(opts: {
  entry: string; folder: string; userDataDir: string; extensionsDir: string; port?: number; timeoutMs?: number;
}): Promise<StudioServer>;
export interface PreparedStudio {
  entry: string;
  vsix: string;
  userDataDir: string;
  extensionsDir: string;
  freshSetup: boolean;
  seconds: { setup: number; build: number; package: number; install: number };
}
export declare function prepareStudio(opts?: { build?: boolean; stateDir?: string; log?: (s: string) => void }): PreparedStudio;
