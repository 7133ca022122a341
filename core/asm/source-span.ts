/** The SourceRange the assembler gives each instruction it builds. */
import type { Range } from '../lang/ast';
import type { Position, SourceRange } from '../program/program';

/**
 * A file and an AST range, read through. A large program keeps one per instruction
 * for as long as the Program lives, and the parser builds positions only when they are
 * read, so holding the range costs one object instead of three.
 */
export class SourceSpan implements SourceRange {
  constructor(
    readonly file: string,
    private readonly range: Range,
  ) {}

  get start(): Position {
    return this.range.start;
  }

  get end(): Position {
    return this.range.end;
  }

  /** The plain `{ file, start, end }` through JSON (CLI output, traces, protocols). */
  toJSON(): SourceRange {
    return { file: this.file, start: this.start, end: this.end };
  }
}
