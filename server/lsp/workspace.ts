/**
 * The server's view of the files: open documents first, then the disk. Analyses are
 * cached per document version; an edit also invalidates the documents that include the
 * edited file, and a settings change or a file changed on disk invalidates them all.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { assembleAst, type AssembleResult } from '../../core/asm';
import type { AsmHost } from '../../core/asm/host';
import { includedTree } from '../../core/asm/declarations';
import type { Diagnostic } from '../../core/lang/diagnostic';
import type { VtaTarget } from '../../core/isa';
import type { SourceFile } from '../../core/lang/ast';
import { parseVta } from '../../core/lang/parser';
import { parseSchedule } from '../../core/schedule';
import type { SchedFile, SchedOperator } from '../../core/schedule';
import { lintSchedule, type ScheduleLint } from '../../core/schedule';
import {
  addLayerChecks,
  checkLoweredLayer,
  type LayerLoweredChecks,
  type LoweredChecks,
} from '../../core/schedule/lowered-checks';
import { buildSymbolIndex, type SymbolIndex } from '../../core/lsp-support/symbols';
import { nodeHost } from '../node-host';
import { KeptPrograms } from './kept-programs';

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

/**
 * One version of a `.vta` document as the requests see it. The parse and the symbols
 * are built when a request first needs them (time in proportion to the text); the
 * assembled program when a request first reads `result`, except for a document whose
 * assembly is slow (see Workspace.deferred): its requests answer without the program
 * until the user pauses. The diagnostics come from the checks worker, not from here.
 */
export interface VtaAnalysis {
  kind: 'vta';
  uri: string;
  file: string;
  version: number;
  text: string;
  ast: SourceFile;
  readonly result: AssembleResult;
  symbols: SymbolIndex;
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

/** A document whose last assembly in the checks worker took longer than this (ms) is assembled here only when the user pauses. */
export const SLOW_ASSEMBLY_MS = 100;
/** Past this (ms in the worker) a document is never assembled on the server's thread: its requests answer without the program. */
export const MAX_PAUSE_ASSEMBLY_MS = 1000;
/**
 * Documents up to this many characters are assembled for requests whatever the worker
 * measured: they take milliseconds, and a busy machine (the worker's time includes its
 * wait for a core) must not leave a small program's hovers without their facts...
 */
export const SMALL_DOCUMENT_CHARS = 32_000;
/**
 * ...unless the worker found that the document expands to more instructions than this
 * (a count, not a time: a busy machine does not change it), or took longer than
 * MAX_PAUSE_ASSEMBLY_MS: a few characters of loops can ask for seconds of assembly.
 * Its last assessment counts, of whatever version: the current one may not be assessed yet.
 */
export const SMALL_PROGRAM_INSTRUCTIONS = 16_384;

/**
 * Requests assemble a program on the server's thread with at most this many instructions
 * (the checks worker takes the full limit): past it hovers and hints lack the rest's facts,
 * but no edit can make a request assemble half a million instructions while the user
 * types, and the programs kept for requests stay in tens of MB (kept-programs.ts). The
 * same count as SMALL_PROGRAM_INSTRUCTIONS: a larger program is assembled here only
 * when the user pauses.
 */
export const REQUEST_MAX_INSTRUCTIONS = 1 << 14;
/** And walk at most this many loop iterations (ones that only report errors cost as much as ones that emit). */
export const REQUEST_MAX_LOOP_ITERATIONS = 1 << 18;
/**
 * The programs kept on the server's thread for requests hold at most this many
 * instructions in all (one program at the request limit, or many small ones).
 */
export const KEPT_PROGRAM_INSTRUCTIONS = REQUEST_MAX_INSTRUCTIONS;

export class Workspace {
  private readonly cache = new Map<string, VtaAnalysis>();
  /** The programs requests assembled, for the documents used last (see kept-programs.ts). */
  private readonly programs = new KeptPrograms<{ analysis: VtaAnalysis; result: AssembleResult }>(
    KEPT_PROGRAM_INSTRUCTIONS,
  );
  /** The newest findings of each `.vta` document from the checks worker (code actions read their fixes). */
  readonly checked = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  /** How long the checks worker took to assemble each document, in ms, and for which version. */
  readonly assembled = new Map<string, { version: number; ms: number; instructions: number }>();
  /** Documents whose inlay hints were answered without the program (the editor is asked again when it is there). */
  readonly hintsWithoutProgram = new Set<string>();
  /** Set while the server builds a slow document's program on purpose (the user paused). */
  private buildingSlow = false;
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

  /**
   * Forget analyses: those of `uris` (a document changed: itself and its includers), or
   * every one (a setting, a file on disk or the set of open documents changed).
   */
  invalidate(uris?: readonly string[]): void {
    if (!uris) {
      this.generation++;
      return;
    }
    for (const u of uris) {
      this.cache.delete(u);
      this.schedCache.delete(u);
      this.programs.delete(u);
    }
  }

  /** The language of an open document (undefined when it is not open). */
  language(uri: string): Language | undefined {
    const d = this.documents.get(uri);
    return d && languageOf(uri, d.languageId);
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
      this.programs.clear();
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
    // The symbol index and the assembler of this version share the included files' trees: each is parsed once.
    const includedAsts = new Map<string, SourceFile>();
    const symbols = buildSymbolIndex(file, ast, {
      resolve: (from, rel) => this.host.resolve(from, rel),
      parse: (p) => includedTree(this.host, includedAsts, p),
    });
    const assemble = (): AssembleResult => {
      try {
        // The setting applies only when neither the file nor its includes name a target.
        return assembleAst(ast, {
          file,
          host: this.host,
          fallbackTarget: this.settingTarget,
          includedAsts,
          maxInstructions: REQUEST_MAX_INSTRUCTIONS,
          maxLoopIterations: REQUEST_MAX_LOOP_ITERATIONS,
        });
      } catch (e) {
        return {
          ast,
          kernels: [],
          diagnostics: [
            {
              file,
              range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
              severity: 'error',
              code: 'vta.internal',
              message: String(e),
            },
          ],
        };
      }
    };
    const ws = this;
    const a: VtaAnalysis = {
      kind: 'vta',
      uri,
      file,
      version: doc.version,
      text,
      ast,
      symbols,
      get result(): AssembleResult {
        const kept = ws.programs.get(uri);
        if (kept?.analysis === a) return kept.result;
        if (ws.deferred(uri)) return { ast, kernels: [], diagnostics: [] };
        const result = assemble();
        ws.programs.set(uri, { analysis: a, result }, result.program?.insns.length ?? 0);
        return result;
      },
    };
    this.cache.set(uri, a);
    this.filesOf.set(uri, symbols.files);
    return a;
  }

  /**
   * True when requests should not assemble `uri` now: the checks worker has not yet
   * assembled its current version (so nobody knows what it costs), or it found the
   * assembly slow and the user has not paused since; a small document unless its last
   * assessment found it large (SMALL_PROGRAM_INSTRUCTIONS).
   */
  deferred(uri: string): boolean {
    if (this.buildingSlow) return false;
    const a = this.assembled.get(uri);
    if ((this.documents.get(uri)?.getText().length ?? 0) <= SMALL_DOCUMENT_CHARS) {
      return !!a && (a.instructions > SMALL_PROGRAM_INSTRUCTIONS || a.ms > MAX_PAUSE_ASSEMBLY_MS);
    }
    return !a || a.version !== this.documents.get(uri)?.version || a.ms > SLOW_ASSEMBLY_MS;
  }

  /** Assembles the current version of a slow document (called when the user paused); true when it did. */
  buildDeferred(uri: string): boolean {
    const ms = this.assembled.get(uri)?.ms ?? 0;
    if (!this.deferred(uri) || ms > MAX_PAUSE_ASSEMBLY_MS) return false;
    const a = this.vta(uri);
    if (!a) return false;
    this.buildingSlow = true;
    try {
      void a.result;
    } finally {
      this.buildingSlow = false;
    }
    return true;
  }

  /** Open `.vta` documents other than `uri` that include the file of `uri`. */
  includers(uri: string): string[] {
    const path = uriToPath(uri);
    const out: string[] = [];
    for (const [other, files] of this.filesOf)
      if (other !== uri && files.slice(1).includes(path) && this.documents.get(other)) out.push(other);
    return out;
  }

  /** The newest findings of a version, when the checks worker has sent them. */
  findings(a: VtaAnalysis): Diagnostic[] {
    const c = this.checked.get(a.uri);
    return c && c.version === a.version ? c.diagnostics : [];
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
   * Lowers and checks one layer off the server's thread (set by the diagnostics
   * scheduler when the checks workers run); without it layers are lowered here.
   */
  lowerOffThread?: (job: {
    file: string;
    text: string;
    index: number;
    settingTarget: VtaTarget | undefined;
    files: Record<string, string>;
  }) => Promise<LayerLoweredChecks | { error: string }>;

  /**
   * The open documents' texts by path that the checks of `uri` may read instead of the
   * disk: those whose file name appears in its text, or in a text so chosen (an include
   * of an include). A file is named in a string literal, which holds its name whatever
   * the directories before it; backslashes are dropped before searching, so an escape
   * inside the name does not hide it. Sending every open text with every job cost the
   * server's thread 4.7 s of structured cloning under the fuzz driver's 10,000 edits.
   */
  openTexts(uri: string): Record<string, string> {
    const files: Record<string, string> = {};
    const others = this.documents.all().filter((d) => d.uri !== uri);
    const named = [this.documents.get(uri)?.getText() ?? ''];
    for (let text = named.pop(); text !== undefined; text = named.pop()) {
      const searched = text.includes('\\') ? text.replace(/\\/g, '') : text;
      for (let i = others.length - 1; i >= 0; i--) {
        const path = uriToPath(others[i]!.uri);
        if (!searched.includes(fileName(path))) continue;
        files[path] = others[i]!.getText();
        named.push(files[path]);
        others.splice(i, 1);
      }
    }
    return files;
  }

  /** One layer's lowered checks from the cache, computed here when `compute` (without workers); else undefined. */
  layerLowered(a: SchedAnalysis, op: SchedOperator, compute: boolean): LayerLoweredChecks | undefined {
    const key = this.layerKey(a, op);
    let r = this.loweredCache.get(key);
    if (!r && compute) {
      r = checkLoweredLayer(a.ast, a.lint, op, { file: uriToPath(a.uri) });
      this.keepLayer(key, r);
    }
    if (!r) return undefined;
    // Cached findings sit on the layer's name wherever the layer is now.
    return {
      ...r,
      diagnostics: r.diagnostics.map((d) => ({ ...d, range: op.nameRange })),
      estimate: r.estimate && { ...r.estimate, nameRange: op.nameRange },
    };
  }

  private keepLayer(key: string, r: LayerLoweredChecks): void {
    this.loweredCache.set(key, r);
    if (this.loweredCache.size > 256) this.loweredCache.delete(this.loweredCache.keys().next().value!);
  }

  /**
   * One layer's lowered checks: from the cache, or computed in a checks worker (a layer
   * is at most 200,000 instructions, about a second), or here without workers.
   * Undefined when the worker failed.
   */
  async lowered(a: SchedAnalysis, op: SchedOperator): Promise<LayerLoweredChecks | undefined> {
    const hit = this.layerLowered(a, op, !this.lowerOffThread);
    if (hit || !this.lowerOffThread) return hit;
    const key = this.layerKey(a, op);
    const r = await this.lowerOffThread({
      file: uriToPath(a.uri),
      text: a.text,
      index: a.ast.statements.indexOf(op),
      settingTarget: this.settingTarget,
      files: this.openTexts(a.uri),
    });
    if ('error' in r) return undefined;
    this.keepLayer(key, r);
    return this.layerLowered(a, op, false);
  }

  /**
   * Every layer's lowered checks (the expensive tier), layer by layer so that requests
   * are served in between; undefined when `stale()` turns true first (a newer edit has
   * its own run).
   */
  async schedLowered(a: SchedAnalysis, stale: () => boolean): Promise<LoweredChecks | undefined> {
    const out: LoweredChecks = { diagnostics: [], estimates: [], skipped: [] };
    for (const op of a.ast.statements) {
      if (op.kind !== 'operator') continue;
      let r = this.layerLowered(a, op, false);
      if (!r) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (stale()) return undefined;
        r = await this.lowered(a, op);
        if (!r) continue;
      }
      addLayerChecks(out, op, r);
    }
    return out;
  }
}

/** The last part of a path (either separator). */
function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** The languages the server knows. */
export type Language = 'vta' | 'vtasched';

/** A document's language: by its language id, else by its extension. */
export function languageOf(uri: string, languageId?: string): Language {
  return languageId === 'vtasched' || uri.endsWith('.vtasched') ? 'vtasched' : 'vta';
}
