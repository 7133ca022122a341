/** State shared by the assembler's passes: where diagnostics go and how names resolve. */
import type { Diagnostic, RelatedInfo, Severity } from '../lang/diagnostic';
import { Findings } from '../lang/findings';
import type { LoopFrame } from '../program/program';
import type { VtaTarget } from '../isa';
import type { DataStmt, KernelStmt, Range } from '../lang/ast';
import { plainRange } from '../lang/ast';
import type { AsmHost } from './host';
import type { Scope } from './evaluate';
import { evaluate } from './evaluate';
import type { Expr } from '../lang/ast';

export interface GlobalConst {
  kind: 'const';
  file: string;
  range: Range;
  expr: Expr;
  value?: number;
  state: 'pending' | 'evaluating' | 'done' | 'failed';
}

export interface GlobalData {
  kind: 'data';
  file: string;
  range: Range;
  stmt: DataStmt;
}

export interface GlobalKernel {
  kind: 'kernel';
  file: string;
  range: Range;
  stmt: KernelStmt;
}

export interface GlobalLabel {
  kind: 'label';
  file: string;
  range: Range;
}

export type GlobalSymbol = GlobalConst | GlobalData | GlobalKernel | GlobalLabel;

export class AsmContext {
  /** The findings so far; repeats from other iterations of a loop are merged. */
  private readonly findings = new Findings();
  /** The `for` iterations the assembler is expanding now (set by its walk), for merging repeats. */
  loops?: readonly LoopFrame[];
  readonly globals = new Map<string, GlobalSymbol>();
  /** DRAM base (in elements of its type) of each data name, once the layout is known. */
  dataBase?: Map<string, number>;
  /** Called to compute the layout the first time a data name is used in an expression. */
  layoutDataOnDemand?: () => void;

  constructor(
    readonly mainFile: string,
    readonly host: AsmHost,
    public target: VtaTarget,
  ) {}

  report(
    file: string,
    range: Range,
    severity: Severity,
    code: string,
    message: string,
    related?: RelatedInfo[],
    instruction?: number,
  ): void {
    // Plain ranges: the parser's and the program's are objects with getters.
    const d: Diagnostic = { file, range: plainRange(range), severity, code, message };
    if (related?.length) d.related = related.map((r) => ({ ...r, range: plainRange(r.range) }));
    if (instruction !== undefined) d.instruction = instruction;
    this.findings.add(d, this.loops);
  }

  /** One finding that happened `times` times alike (merged as `times` reports would be). */
  reportTimes(file: string, range: Range, severity: Severity, code: string, message: string, times: number): void {
    this.findings.add({ file, range: plainRange(range), severity, code, message }, this.loops, times);
  }

  get diagnostics(): Diagnostic[] {
    return this.findings.result();
  }

  /** A report function bound to one file, for the evaluator. */
  reporter(file: string) {
    return (range: Range, code: string, message: string) => this.report(file, range, 'error', code, message);
  }

  /** Value of a global name in an expression: a constant, or a data tensor's DRAM base. */
  globalValue(name: string): number | undefined {
    const g = this.globals.get(name);
    if (!g) return undefined;
    if (g.kind === 'const') return this.constValue(name, g);
    if (g.kind === 'data') {
      if (!this.dataBase) this.layoutDataOnDemand?.();
      return this.dataBase?.get(name);
    }
    return undefined;
  }

  private constValue(name: string, g: GlobalConst): number | undefined {
    if (g.state === 'done') return g.value;
    if (g.state === 'failed') return undefined;
    if (g.state === 'evaluating') {
      this.report(g.file, g.range, 'error', 'vta.name.cycle', `constant '${name}' is defined in terms of itself`);
      g.state = 'failed';
      return undefined;
    }
    g.state = 'evaluating';
    const v = evaluate(g.expr, this.globalScope, this.reporter(g.file));
    if (g.state === 'evaluating') {
      g.value = v;
      g.state = v === undefined ? 'failed' : 'done';
    }
    return g.value;
  }

  readonly globalScope: Scope = {
    lookup: (name) => this.globalValue(name),
    isDefined: (name) => {
      const g = this.globals.get(name);
      return g !== undefined && (g.kind === 'const' || g.kind === 'data');
    },
  };
}

/** A scope of local names (loop variables, kernel parameters) over a parent. */
export class LocalScope implements Scope {
  private readonly vars = new Map<string, number>();
  constructor(private readonly parent: Scope) {}
  set(name: string, value: number): void {
    this.vars.set(name, value);
  }
  has(name: string): boolean {
    return this.vars.has(name);
  }
  lookup(name: string): number | undefined {
    const v = this.vars.get(name);
    return v !== undefined ? v : this.parent.lookup(name);
  }
  isDefined(name: string): boolean {
    return this.vars.has(name) || this.parent.isDefined(name);
  }
}
