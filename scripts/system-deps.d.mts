// Types of scripts/system-deps.mjs, for the tests and benchmarks that drive Chromium.
export declare const CHROMIUM_ARGS: string[];
export declare function findChromium(): string | undefined;
export declare function chromiumPath(): string;
export declare function missingPackages(uses: Array<'chromium' | 'code-server'>): string[];
export declare function ensureSystemDeps(uses: Array<'chromium' | 'code-server'>, opts?: { log?: (s: string) => void }): { installed: string[]; seconds: number };
export declare function onPath(name: string): string | undefined;
