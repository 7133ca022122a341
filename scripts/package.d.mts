// Types of scripts/package.mjs, for the tests.
export declare const projectRoot: string;
export declare const VSIX_BUDGET_BYTES: number;
export declare function packageVersion(): string;
export declare function defaultVsixPath(): string;
export declare function vsceScript(): string;
export declare function packageExtension(opts?: { out?: string }): { vsix: string; bytes: number; seconds: { build: number; package: number } };
