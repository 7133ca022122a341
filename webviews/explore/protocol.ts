/**
 * Messages between the extension host and the design-space view, with validators the
 * view applies: a message that does not match is dropped and reported, never trusted.
 */
import type { DesignResult } from '../../core/schedule/explore';

/** Host → view. */
export type ExploreHostMessage =
  /** The sweep began: how many designs, on which FPGA, for which network. */
  | { type: 'start'; total: number; fpga: string; network: string; budget?: { bram: number; dsp: number } }
  /** Designs evaluated so far (each sent once, in any order). */
  | { type: 'designs'; designs: DesignResult[] }
  /** The sweep ended (the front is marked on `designs`), or was cancelled. */
  | { type: 'done'; designs: DesignResult[]; cancelled: boolean };

/** View → host. */
export type ExploreViewMessage =
  | { type: 'ready' }
  /** Open the design's vta_config.json and its tuned schedule. */
  | { type: 'open'; index: number }
  | { type: 'cancel' };

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e7;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isDesign(v: unknown): v is DesignResult {
  if (!isObj(v) || !isCount(v.index) || !isObj(v.config) || !isNum(v.clockMHz) || !isObj(v.resources)) return false;
  const r = v.resources;
  return (
    isNum(r.bram) &&
    isNum(r.dsp) &&
    typeof v.feasible === 'boolean' &&
    typeof v.pareto === 'boolean' &&
    (v.latencyMs === null || isNum(v.latencyMs)) &&
    (v.fps === null || isNum(v.fps)) &&
    isNum(v.peakGops) &&
    Array.isArray(v.reasons) &&
    Array.isArray(v.layers)
  );
}

export function parseExploreHostMessage(
  v: unknown,
): { ok: true; msg: ExploreHostMessage } | { ok: false; reason: string } {
  if (!isObj(v) || typeof v.type !== 'string') return { ok: false, reason: 'not a message object' };
  switch (v.type) {
    case 'start':
      if (!isCount(v.total) || typeof v.fpga !== 'string' || typeof v.network !== 'string')
        return { ok: false, reason: 'start message without total, fpga and network' };
      return {
        ok: true,
        msg: {
          type: 'start',
          total: v.total,
          fpga: v.fpga.slice(0, 200),
          network: v.network.slice(0, 4096),
          ...(isObj(v.budget) && isNum(v.budget.bram) && isNum(v.budget.dsp)
            ? { budget: { bram: v.budget.bram, dsp: v.budget.dsp } }
            : {}),
        },
      };
    case 'designs':
    case 'done': {
      if (!Array.isArray(v.designs) || v.designs.length > 1e6)
        return { ok: false, reason: `${v.type} message without a list of designs` };
      const bad = v.designs.findIndex((d) => !isDesign(d));
      if (bad >= 0) return { ok: false, reason: `design ${bad} of the ${v.type} message is malformed` };
      const designs = v.designs as DesignResult[];
      if (v.type === 'designs') return { ok: true, msg: { type: 'designs', designs } };
      return { ok: true, msg: { type: 'done', designs, cancelled: v.cancelled === true } };
    }
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(String(v.type).slice(0, 40))}` };
  }
}

export function parseExploreViewMessage(v: unknown): ExploreViewMessage | undefined {
  if (!isObj(v)) return undefined;
  if (v.type === 'ready' || v.type === 'cancel') return { type: v.type };
  if (v.type === 'open' && isCount(v.index)) return { type: 'open', index: v.index };
  return undefined;
}
