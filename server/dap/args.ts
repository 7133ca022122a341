/**
 * Never trust the client: the numbers and lists a DAP request carries are read here,
 * checked (integers within what the adapter can index, lists that are lists), and a
 * bad one becomes an ArgsError, which the session answers as an error response with
 * code 1010 and a message naming the argument.
 */
export class ArgsError extends Error {}

/** The most instructions one disassemble request gets (VS Code asks for a screenful at a time). */
export const MAX_DISASSEMBLE = 10_000;
/** The most bytes one readMemory request gets; a client reads on from where the answer ends. */
export const MAX_READ_BYTES = 1 << 20;

/**
 * An integer argument in [min, max] (by default any safe integer); `dflt` when the
 * argument is absent. NaN, fractions and strings are errors, and so are 2^53 and
 * beyond unless `beyondSafe` (an offset that only has to land outside the program).
 */
export function intArg(
  args: object | undefined,
  name: string,
  opts: { min?: number; max?: number; dflt?: number; beyondSafe?: boolean } = {},
): number {
  const v = (args as Record<string, unknown> | undefined)?.[name];
  if (v === undefined || v === null) {
    if (opts.dflt !== undefined) return opts.dflt;
    throw new ArgsError(`${name} is missing`);
  }
  const min = opts.min ?? (opts.beyondSafe ? -Number.MAX_VALUE : Number.MIN_SAFE_INTEGER);
  const max = opts.max ?? (opts.beyondSafe ? Number.MAX_VALUE : Number.MAX_SAFE_INTEGER);
  if (typeof v !== 'number' || !(opts.beyondSafe ? Number.isInteger(v) : Number.isSafeInteger(v)))
    throw new ArgsError(`${name} must be an integer, not ${JSON.stringify(v)}`);
  if (v < min || v > max) throw new ArgsError(`${name} ${v} is outside ${min}..${max}`);
  return v;
}

/** A list argument (absent: `[]`); each element must be an object. */
export function listArg(args: object | undefined, name: string): Array<Record<string, unknown>> {
  const v = (args as Record<string, unknown> | undefined)?.[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x)))
    throw new ArgsError(`${name} must be a list of objects`);
  return v as Array<Record<string, unknown>>;
}

/** A string argument (absent: `dflt`, or an error without one). */
export function stringArg(args: object | undefined, name: string, dflt?: string): string {
  const v = (args as Record<string, unknown> | undefined)?.[name];
  if (v === undefined || v === null) {
    if (dflt !== undefined) return dflt;
    throw new ArgsError(`${name} is missing`);
  }
  if (typeof v !== 'string') throw new ArgsError(`${name} must be a string`);
  return v;
}

type Args = Record<string, unknown> | undefined;
const optionalString = (a: Args, name: string) => {
  if (a?.[name] !== undefined && a[name] !== null) stringArg(a, name);
};
const sourceArg = (a: Args) => {
  const s = a?.source;
  if (typeof s !== 'object' || s === null || Array.isArray(s)) throw new ArgsError('source must be an object');
  optionalString(s as Args, 'path');
  intArg(s, 'sourceReference', { dflt: 0 });
};
const threadArg = (a: Args) => void intArg(a, 'threadId', { dflt: 0 });
const ACCESS_TYPES = new Set(['read', 'write', 'readWrite']);

/** What each request's arguments must look like, where a handler reads them. */
const CHECKS: Record<string, (a: Args) => void> = {
  next: threadArg,
  stepIn: threadArg,
  stepOut: threadArg,
  stepBack: threadArg,
  reverseContinue: threadArg,
  continue: threadArg,
  pause: threadArg,
  stepCycle: threadArg,
  exceptionInfo: threadArg,
  stackTrace: (a) => {
    intArg(a, 'threadId');
    intArg(a, 'startFrame', { min: 0, dflt: 0 });
    intArg(a, 'levels', { min: 0, dflt: 0 });
  },
  scopes: (a) => void intArg(a, 'frameId'),
  variables: (a) => {
    intArg(a, 'variablesReference');
    intArg(a, 'start', { min: 0, dflt: 0 });
    intArg(a, 'count', { min: 0, dflt: 0 });
  },
  setVariable: (a) => {
    intArg(a, 'variablesReference');
    stringArg(a, 'name');
    stringArg(a, 'value');
  },
  evaluate: (a) => {
    stringArg(a, 'expression');
    intArg(a, 'frameId', { dflt: 0 });
  },
  source: (a) => void intArg(a, 'sourceReference', { dflt: 0 }),
  setBreakpoints: (a) => {
    sourceArg(a);
    for (const b of listArg(a, 'breakpoints')) {
      intArg(b, 'line');
      for (const k of ['condition', 'hitCondition', 'logMessage']) optionalString(b, k);
    }
  },
  breakpointLocations: (a) => {
    sourceArg(a);
    intArg(a, 'line');
    intArg(a, 'endLine', { dflt: 0 });
  },
  dataBreakpointInfo: (a) => {
    stringArg(a, 'name');
    intArg(a, 'variablesReference', { dflt: 0 });
  },
  setDataBreakpoints: (a) => {
    for (const b of listArg(a, 'breakpoints')) {
      stringArg(b, 'dataId');
      if (b.accessType !== undefined && !ACCESS_TYPES.has(b.accessType as string))
        throw new ArgsError(`accessType must be read, write or readWrite, not ${JSON.stringify(b.accessType)}`);
      for (const k of ['condition', 'hitCondition']) optionalString(b, k);
    }
  },
  setInstructionBreakpoints: (a) => {
    for (const b of listArg(a, 'breakpoints')) {
      stringArg(b, 'instructionReference');
      intArg(b, 'offset', { dflt: 0 });
      for (const k of ['condition', 'hitCondition']) optionalString(b, k);
    }
  },
  readMemory: (a) => {
    stringArg(a, 'memoryReference');
    intArg(a, 'offset', { dflt: 0 });
    intArg(a, 'count', { min: 0 });
  },
  writeMemory: (a) => {
    stringArg(a, 'memoryReference');
    intArg(a, 'offset', { dflt: 0 });
    stringArg(a, 'data');
  },
  disassemble: (a) => {
    stringArg(a, 'memoryReference');
    intArg(a, 'offset', { dflt: 0, beyondSafe: true });
    intArg(a, 'instructionOffset', { dflt: 0, beyondSafe: true });
    intArg(a, 'instructionCount', { min: 0, max: MAX_DISASSEMBLE });
  },
};

/** Throws an ArgsError when a request's arguments are not what its handler reads. */
export function checkDapArgs(command: string, args: unknown): void {
  if (args !== undefined && (typeof args !== 'object' || args === null || Array.isArray(args)))
    throw new ArgsError('arguments must be an object');
  CHECKS[command]?.(args as Args);
}
