/**
 * Never trust the client: the shape of every request's params is checked here, in one
 * place, before a feature reads them. Malformed params get a JSON-RPC InvalidParams
 * error saying what is wrong; well-formed ones pass unchanged. Positions are integers
 * in [0, 2^31) (what the protocol's uinteger allows); a range starts before it ends.
 * Diagnostic `data` is checked where it is read (actions.ts: only fixes this server
 * could have written are applied).
 */
import { ErrorCodes, ResponseError } from 'vscode-languageserver/node';
import type { Fix } from '../../core/lang/diagnostic';
import type { SchedFix } from '../../core/schedule';

const MAX_UINT = 2 ** 31 - 1;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isUint = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= MAX_UINT;

export function isPosition(x: unknown): x is { line: number; character: number } {
  return isObject(x) && isUint(x.line) && isUint(x.character);
}

export function isRange(
  x: unknown,
): x is { start: { line: number; character: number }; end: { line: number; character: number } } {
  if (!isObject(x) || !isPosition(x.start) || !isPosition(x.end)) return false;
  return x.start.line < x.end.line || (x.start.line === x.end.line && x.start.character <= x.end.character);
}

function invalid(what: string): never {
  throw new ResponseError(ErrorCodes.InvalidParams, `invalid params: ${what}`);
}

/**
 * Checks the fields of a request's params: `required` must be present, and every
 * field it knows (textDocument, position, range, context, query, newName) well-formed
 * where present. Throws InvalidParams otherwise.
 */
export function checkParams(p: unknown, required: readonly string[]): void {
  if (!isObject(p)) invalid('params must be an object');
  for (const k of required) if (p[k] === undefined || p[k] === null) invalid(`${k} is missing`);
  if ('textDocument' in p && !(isObject(p.textDocument) && typeof p.textDocument.uri === 'string'))
    invalid('textDocument.uri must be a string');
  if ('position' in p && !isPosition(p.position)) invalid('position must be {line, character}, integers from 0');
  if ('range' in p && !isRange(p.range)) invalid('range must be {start, end}, positions with start before end');
  if ('query' in p && typeof p.query !== 'string') invalid('query must be a string');
  if ('newName' in p && typeof p.newName !== 'string') invalid('newName must be a string');
  if ('context' in p && p.context !== undefined && !isObject(p.context)) invalid('context must be an object');
  const ctx = p.context as Record<string, unknown> | undefined;
  if (ctx && 'diagnostics' in ctx) {
    if (!Array.isArray(ctx.diagnostics)) invalid('context.diagnostics must be an array');
    for (const d of ctx.diagnostics as unknown[]) {
      if (!isObject(d) || !isRange(d.range) || typeof d.message !== 'string')
        invalid('each of context.diagnostics needs a range and a message');
    }
  }
}

/**
 * The fixes in a diagnostic's `data` when they have the shape this server writes
 * (edits with a file for `.vta`, without for `.vtasched`); otherwise undefined.
 */
export function fixesOf(data: unknown, withFile: true): Fix[] | undefined;
export function fixesOf(data: unknown, withFile: false): SchedFix[] | undefined;
export function fixesOf(data: unknown, withFile: boolean): Fix[] | SchedFix[] | undefined {
  if (!isObject(data) || !Array.isArray(data.fixes)) return undefined;
  const ok = data.fixes.every(
    (f: unknown) =>
      isObject(f) &&
      typeof f.title === 'string' &&
      Array.isArray(f.edits) &&
      f.edits.every(
        (e: unknown) =>
          isObject(e) && (!withFile || typeof e.file === 'string') && isRange(e.range) && typeof e.newText === 'string',
      ),
  );
  return ok ? (data.fixes as Fix[] | SchedFix[]) : undefined;
}
