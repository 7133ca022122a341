/**
 * The server's view of the files: open documents first, then the disk. Analyses are
 * cached per document and invalidated whenever any open document changes (an
 * included file's edit changes the includer's results).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { assembleAst, type AssembleResult } from '../../core/asm';
import type { AsmHost } from '../../core/asm/host';
import type { Diagnostic } from '../../core/lang/diagnostic';
import { ROW_WORK_BUDGET, UopShadow, insnAccesses, type RowAccess, type Work } from '../../core/analysis/access';
import { checkProgram } from '../../core/analysis/check';
import { firstTierChecks } from '../../core/analysis/first-tier';
import { sortDiagnostics } from '../../core/lang/diagnostic';
import { MemType, Opcode, popFlagFor, pushFlagFor, tokenUse, QUEUES, type DepFlag, type QueueId, type VtaTarget } from '../../core/isa';
import type { SourceFile } from '../../core/lang/ast';
import { parseVta } from '../../core/lang/parser';
import { parseSchedule } from '../../core/schedule';
import type { SchedFile, SchedOperator } from '../../core/schedule';
import { lintSchedule, type ScheduleLint } from '../../core/schedule';
import { checkLoweredLayer, type LayerLoweredChecks, type LoweredChecks } from '../../core/schedule/lowered-checks';
import { buildSymbolIndex, type SymbolIndex } from '../../core/lsp-support/symbols';
import { nodeHost } from '../node-host';

export function uriToPath(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}

export function pathToUri(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path) && !/^[a-z]:[\\/]/i.test(path)) return path;
  return pathToFileURL(path).href;
}

/** Per-instruction facts for hovers and inlay hints. */
/** A push/pop line as the program runs it. */
export interface TokenLine {
  queue: QueueId;
  /** Tokens in the queue after this line, counted in text order. */
  count: number;
  /** The (first) instruction whose flag the line sets: a `nop` when the assembler inserted one. */
  carrier: number;
  flag: DepFlag;
}

export interface InsnFacts {
  index: number;
  accesses: RowAccess[];
  /** Tokens in each queue (text order count) before the instruction's pops and after its pushes. */
  queuesBefore: Record<QueueId, number>;
  queuesAfter: Record<QueueId, number>;
}

export interface VtaAnalysis {
  kind: 'vta';
  uri: string;
  file: string;
  version: number;
  text: string;
  ast: SourceFile;
  result: AssembleResult;
  /** Parse + assembly diagnostics (the cheap tier). */
  cheap: Diagnostic[];
  /** Every diagnostic (filled by the expensive tier). */
  full?: Diagnostic[];
  symbols: SymbolIndex;
  facts?: InsnFacts[];
  /** Queue counts after each push/pop line (key `line`), for inlay hints. */
  /** Per push/pop line: its queue, the tokens after it (text order), and the instruction that carries its flag. */
  tokenLines?: Map<number, TokenLine>;
}

export interface SchedAnalysis {
  kind: 'vtasched';
  uri: string;
  version: number;
  text: string;
  ast: SchedFile;
  lint: ScheduleLint;
  /** The text's lines, split when a layer's cache key is first needed. */
  lines?: string[];
}

export class Workspace {
  private readonly cache = new Map<string, VtaAnalysis>();
  private readonly schedCache = new Map<string, SchedAnalysis>();
  /**
   * Each layer's lowered checks by its text and target, so that an edit re-lowers only
   * the layer it touched. Oldest entries go first past 256.
   */
  private readonly loweredCache = new Map<string, LayerLoweredChecks>();
  private generation = 0;
  /** Files each document read last time (itself first, then its includes); survives invalidation. */
  readonly filesOf = new Map<string, string[]>();
  private cacheGeneration = 0;
  /**
   * The target of programs without a `target` line (the client's target setting);
   * undefined means `default`. Call invalidate() after changing it.
   */
  settingTarget: VtaTarget | undefined;

  constructor(readonly documents: TextDocuments<TextDocument>) {}

  /** Forget every analysis (any open document changed). */
  invalidate(): void {
    this.generation++;
  }

  openDocByPath(path: string): TextDocument | undefined {
    for (const d of this.documents.all()) if (uriToPath(d.uri) === path) return d;
    return undefined;
  }

  readonly host: AsmHost = {
    readText: (p) => this.openDocByPath(p)?.getText() ?? nodeHost.readText(p),
    readBinary: (p) => {
      const d = this.openDocByPath(p);
      return d ? new TextEncoder().encode(d.getText()) : nodeHost.readBinary(p);
    },
    resolve: (from, rel) => nodeHost.resolve(from, rel),
  };

  private checkGeneration(): void {
    if (this.cacheGeneration !== this.generation) {
      this.cache.clear();
      this.schedCache.clear();
      this.cacheGeneration = this.generation;
    }
  }

  vta(uri: string): VtaAnalysis | undefined {
    this.checkGeneration();
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const hit = this.cache.get(uri);
    if (hit && hit.version === doc.version) return hit;
    const text = doc.getText();
    const file = uriToPath(uri);
    const ast = parseVta(text);
    let result: AssembleResult;
    try {
      // The setting applies only when neither the file nor its includes name a target.
      result = assembleAst(ast, { file, host: this.host, fallbackTarget: this.settingTarget });
    } catch (e) {
      result = { ast, kernels: [], diagnostics: [{ file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'error', code: 'vta.internal', message: String(e) }] };
    }
    const symbols = buildSymbolIndex(file, ast, {
      resolve: (from, rel) => this.host.resolve(from, rel),
      parse: (p) => {
        const t = this.host.readText(p);
        return t === undefined ? undefined : parseVta(t);
      },
    });
    const a: VtaAnalysis = { kind: 'vta', uri, file, version: doc.version, text, ast, result, cheap: cheapTier(result, file), symbols };
    this.cache.set(uri, a);
    this.filesOf.set(uri, symbols.files);
    return a;
  }

  /** Open `.vta` documents other than `uri` that include the file of `uri`. */
  includers(uri: string): string[] {
    const path = uriToPath(uri);
    const out: string[] = [];
    for (const [other, files] of this.filesOf) if (other !== uri && files.slice(1).includes(path) && this.documents.get(other)) out.push(other);
    return out;
  }

  /** The expensive tier: every program check. */
  full(a: VtaAnalysis): Diagnostic[] {
    if (a.full) return a.full;
    try {
      a.full = a.result.program ? checkProgram(a.result.program, a.file, a.result.diagnostics) : a.result.diagnostics;
    } catch (e) {
      a.full = [...a.result.diagnostics, { file: a.file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 'error', code: 'vta.internal', message: `a check stopped: ${(e as Error).message}` }];
    }
    return a.full;
  }

  /** SRAM accesses and token counts per instruction (computed on demand). */
  facts(a: VtaAnalysis): InsnFacts[] {
    if (a.facts) return a.facts;
    const facts: InsnFacts[] = [];
    const tokenLines = new Map<number, TokenLine>();
    const p = a.result.program;
    if (p) {
      const shadow = new UopShadow(p.target, p.dram);
      const counts = Object.fromEntries(QUEUES.map((q) => [q, 0])) as Record<QueueId, number>;
      // Past the analyses' work budget, hovers and hints show no rows (the checks say where they stopped).
      const work: Work = { units: 0 };
      p.insns.forEach((pi, index) => {
        let accesses: RowAccess[] = [];
        try {
          if (work.units <= ROW_WORK_BUDGET) {
            accesses = insnAccesses(p.target, pi.insn, shadow, work);
            if (pi.insn.opcode === Opcode.LOAD && pi.insn.memory_type === MemType.UOP) shadow.load(pi.insn, work);
          }
        } catch {
          accesses = [];
        }
        const before = { ...counts };
        const use = tokenUse(pi.insn);
        for (const q of use.pops) {
          counts[q]--;
          const src = pi.tokenSources?.[popFlagFor(q)];
          if (src && src.file === a.file) tokenLines.set(src.start.line, { queue: q, count: counts[q], carrier: tokenLines.get(src.start.line)?.carrier ?? index, flag: popFlagFor(q) });
        }
        for (const q of use.pushes) {
          counts[q]++;
          const src = pi.tokenSources?.[pushFlagFor(q)];
          if (src && src.file === a.file) tokenLines.set(src.start.line, { queue: q, count: counts[q], carrier: tokenLines.get(src.start.line)?.carrier ?? index, flag: pushFlagFor(q) });
        }
        facts.push({ index, accesses, queuesBefore: before, queuesAfter: { ...counts } });
      });
    }
    a.facts = facts;
    a.tokenLines = tokenLines;
    return facts;
  }

  vtasched(uri: string): SchedAnalysis | undefined {
    this.checkGeneration();
    const doc = this.documents.get(uri);
    if (!doc) return undefined;
    const hit = this.schedCache.get(uri);
    if (hit && hit.version === doc.version) return hit;
    const text = doc.getText();
    const ast = parseSchedule(text);
    // Cheap (arithmetic per layer), so it runs with the parse.
    const lint = lintSchedule(ast, { host: this.host, file: uriToPath(uri), fallbackTarget: this.settingTarget });
    const a: SchedAnalysis = { kind: 'vtasched', uri, version: doc.version, text, ast, lint };
    this.schedCache.set(uri, a);
    return a;
  }

  /** The cache key of a layer: its text and the target (not its position: results sit on its name). */
  private layerKey(a: SchedAnalysis, op: SchedOperator): string {
    a.lines ??= a.text.split(/\r\n?|\n/);
    const t = a.lint.target;
    return `${t?.name}|${JSON.stringify(t?.keys)}|${JSON.stringify(t?.board)}\n${a.lines.slice(op.range.start.line, op.range.end.line + 1).join('\n')}`;
  }

  /**
   * One layer's lowered checks: from the cache, or computed now when `compute` (a layer
   * is at most 200,000 instructions, about a second), else undefined.
   */
  layerLowered(a: SchedAnalysis, op: SchedOperator, compute: boolean): LayerLoweredChecks | undefined {
    const key = this.layerKey(a, op);
    let r = this.loweredCache.get(key);
    if (!r && compute) {
      r = checkLoweredLayer(a.ast, a.lint, op, { file: uriToPath(a.uri) });
      this.loweredCache.set(key, r);
      if (this.loweredCache.size > 256) this.loweredCache.delete(this.loweredCache.keys().next().value!);
    }
    if (!r) return undefined;
    // Cached findings sit on the layer's name wherever the layer is now.
    return {
      ...r,
      diagnostics: r.diagnostics.map((d) => ({ ...d, range: op.nameRange })),
      estimate: r.estimate && { ...r.estimate, nameRange: op.nameRange },
    };
  }

  /**
   * Every layer's lowered checks (the expensive tier), one layer per turn of the event
   * loop so that requests are served in between; undefined when `stale()` turns true
   * first (a newer edit has its own run).
   */
  async schedLowered(a: SchedAnalysis, stale: () => boolean): Promise<LoweredChecks | undefined> {
    const out: LoweredChecks = { diagnostics: [], estimates: [], skipped: [] };
    for (const op of a.ast.statements) {
      if (op.kind !== 'operator') continue;
      let r = this.layerLowered(a, op, false);
      if (!r) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stale()) return undefined;
        r = this.layerLowered(a, op, true)!;
      }
      for (const d of r.diagnostics) out.diagnostics.push(d); // no spread: a layer may have 100,000s
      if (r.estimate) out.estimates.push(r.estimate);
      if (r.skippedInstructions !== undefined) out.skipped.push({ name: op.name, nameRange: op.nameRange, instructions: r.skippedInstructions });
    }
    return out;
  }
}

/** Parse + assembly diagnostics plus the first-tier checks (bounds, uninitialised reads, fidelity, FINISH). */
function cheapTier(result: AssembleResult, file: string): Diagnostic[] {
  const base = result.diagnostics;
  const blocked = base.some((d) => d.severity === 'error' && (d.code.startsWith('vta.syntax') || d.code.startsWith('vta.name')));
  if (!result.program || blocked) return base;
  try {
    return sortDiagnostics([...base, ...firstTierChecks(result.program, { file })]);
  } catch {
    return base;
  }
}

export function isSchedule(uri: string, languageId?: string): boolean {
  return languageId === 'vtasched' || uri.endsWith('.vtasched');
}
