/** The SourceRange the assembler gives each instruction it builds. */
import type { Range } from '../lang/ast';
import { TextRange } from '../lang/ast';
import type { Position, SourceRange } from '../program/program';

/**
 * A file and four integers. A large program keeps one per instruction for as long as
 * the Program lives, so positions are built only when read: one object instead of
 * three (or of two, holding the parser's range).
 */
export class SourceSpan implements SourceRange {
  private readonly startLine: number;
  private readonly startCharacter: number;
  private readonly endLine: number;
  private readonly endCharacter: number;

  constructor(
    readonly file: string,
    range: Range,
  ) {
    if (range instanceof TextRange) {
      this.startLine = range.startLine;
      this.startCharacter = range.startCharacter;
      this.endLine = range.endLine;
      this.endCharacter = range.endCharacter;
    } else {
      this.startLine = range.start.line | 0;
      this.startCharacter = range.start.character | 0;
      this.endLine = range.end.line | 0;
      this.endCharacter = range.end.character | 0;
    }
  }

  get start(): Position {
    return { line: this.startLine, character: this.startCharacter };
  }

  get end(): Position {
    return { line: this.endLine, character: this.endCharacter };
  }

  /** Whether `o` is the same file and range (without building positions). */
  sameAs(o: SourceSpan): boolean {
    return (
      o.file === this.file &&
      o.startLine === this.startLine &&
      o.startCharacter === this.startCharacter &&
      o.endLine === this.endLine &&
      o.endCharacter === this.endCharacter
    );
  }

  /** The plain `{ file, start, end }` through JSON (CLI output, traces, protocols). */
  toJSON(): SourceRange {
    return { file: this.file, start: this.start, end: this.end };
  }
}
