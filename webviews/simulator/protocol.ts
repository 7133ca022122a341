/**
 * Messages between the extension host, the simulator webview and its worker, with
 * validators used on both sides: anything that does not match is dropped (and, in
 * the webview, reported in the view), never trusted.
 */

/** Largest program text the view accepts (characters). */
export const MAX_PROGRAM_CHARS = 4_000_000;
/** Largest file name / target name accepted. */
const MAX_NAME_CHARS = 4096;

/** Host → webview. */
export type HostMessage =
  | { type: 'program'; text: string; file: string; target?: string }
  | { type: 'cursor'; line: number; file?: string }
  /** The debugger stopped at this cycle: move the cursor there. */
  | { type: 'debugCycle'; cycle: number };

/** Webview → host. */
export type ViewMessage =
  | { type: 'ready' }
  | { type: 'reveal'; line: number; file: string }
  | { type: 'export-png'; dataUrl: string }
  | { type: 'export-trace'; json: string; file: string };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isLine = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e9;
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME_CHARS;

/** Why a host message was refused, or the message. */
export function parseHostMessage(v: unknown): { ok: true; msg: HostMessage } | { ok: false; reason: string } {
  if (!isObj(v) || typeof v.type !== 'string') return { ok: false, reason: 'not a message object' };
  switch (v.type) {
    case 'program': {
      if (typeof v.text !== 'string') return { ok: false, reason: 'program message without text' };
      if (v.text.length > MAX_PROGRAM_CHARS) {
        return {
          ok: false,
          reason: `the program is too large for the simulator view (${v.text.length} characters; at most ${MAX_PROGRAM_CHARS})`,
        };
      }
      if (!isName(v.file)) return { ok: false, reason: 'program message without a file name' };
      if (v.target !== undefined && !isName(v.target))
        return { ok: false, reason: 'program message with a bad target' };
      const msg: HostMessage = { type: 'program', text: v.text, file: v.file };
      if (typeof v.target === 'string') msg.target = v.target;
      return { ok: true, msg };
    }
    case 'cursor': {
      if (!isLine(v.line)) return { ok: false, reason: 'cursor message without a line' };
      const msg: HostMessage = { type: 'cursor', line: v.line };
      if (isName(v.file)) msg.file = v.file;
      return { ok: true, msg };
    }
    case 'debugCycle': {
      if (typeof v.cycle !== 'number' || !Number.isFinite(v.cycle) || v.cycle < 0)
        return { ok: false, reason: 'debugCycle message without a cycle' };
      return { ok: true, msg: { type: 'debugCycle', cycle: v.cycle } };
    }
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(String(v.type).slice(0, 40))}` };
  }
}

/** Largest PNG data URL accepted from the view (bytes of text). */
export const MAX_PNG_CHARS = 64 * 1024 * 1024;
/** Largest Chrome-trace JSON accepted from the view. */
export const MAX_TRACE_CHARS = 512 * 1024 * 1024;

export function parseViewMessage(v: unknown): ViewMessage | undefined {
  if (!isObj(v) || typeof v.type !== 'string') return undefined;
  switch (v.type) {
    case 'ready':
      return { type: 'ready' };
    case 'reveal':
      return isLine(v.line) && isName(v.file) ? { type: 'reveal', line: v.line, file: v.file } : undefined;
    case 'export-png':
      return typeof v.dataUrl === 'string' &&
        v.dataUrl.startsWith('data:image/png;base64,') &&
        v.dataUrl.length <= MAX_PNG_CHARS
        ? { type: 'export-png', dataUrl: v.dataUrl }
        : undefined;
    case 'export-trace':
      return typeof v.json === 'string' && v.json.length <= MAX_TRACE_CHARS && isName(v.file)
        ? { type: 'export-trace', json: v.json, file: v.file }
        : undefined;
    default:
      return undefined;
  }
}
