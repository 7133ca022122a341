/** The assembler's file access on Node: plain reads relative to the including file. */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AsmHost } from '../core/asm/host';

/** Larger files are refused rather than read (a 50 MB `.vta` is still read: the limit is generous). */
const MAX_FILE_BYTES = 1 << 30;

function readBytes(path: string): Uint8Array | undefined {
  try {
    if (statSync(path).size > MAX_FILE_BYTES) return undefined;
    return new Uint8Array(readFileSync(path));
  } catch {
    return undefined;
  }
}

export const nodeHost: AsmHost = {
  readText: (p) => {
    const b = readBytes(p);
    return b ? new TextDecoder().decode(b) : undefined;
  },
  readBinary: readBytes,
  resolve: (from, rel) => resolve(dirname(from), rel),
};
