export const CORE_LAYERS: Record<string, string[]>;
export function sources(dir: string, out?: string[]): string[];
export function coreFolder(path: string): string;
export function coreImports(root?: string): { from: string; to: string }[];
export function layerViolations(edges?: { from: string; to: string }[]): string[];
export function importCircles(edges?: { from: string; to: string }[]): string[][];
