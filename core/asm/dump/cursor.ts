/**
 * A cursor over one line of dump text that matches literal text and numbers and,
 * on the first mismatch, records what was expected and where. Every method is
 * linear in the characters it looks at; nothing backtracks.
 */

export interface CursorFailure {
  character: number;
  endCharacter: number;
  code: 'vta.dump.syntax' | 'vta.dump.bad-number';
  message: string;
}

const isBlank = (c: number): boolean => c === 32 || c === 9 || c === 11 || c === 12 || c === 0xfeff;
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** Characters that make up one value token ("12", "0x1f", "-3", "abc", "1.5"). */
const isTokenChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 46 || c === 43 || c === 45;
const isWordChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;

const SNIPPET = 24;

export function skipBlanks(text: string, pos: number): number {
  let p = pos;
  while (p < text.length && isBlank(text.charCodeAt(p))) p++;
  return p;
}

/** The run of word characters (letters, digits, `_`, `-`) starting at `pos`. */
export function wordAt(text: string, pos: number): string {
  let p = pos;
  while (p < text.length && isWordChar(text.charCodeAt(p))) p++;
  return text.slice(pos, p);
}

export { isDigit };

export class LineCursor {
  pos: number;
  failure: CursorFailure | undefined;

  /** `context` names the line in messages, e.g. "DRAM line". */
  constructor(
    readonly text: string,
    start: number,
    public context: string,
  ) {
    this.pos = start;
  }

  get ok(): boolean {
    return this.failure === undefined;
  }

  skipBlanks(): void {
    this.pos = skipBlanks(this.text, this.pos);
  }

  atEnd(): boolean {
    return skipBlanks(this.text, this.pos) >= this.text.length;
  }

  private found(at: number): string {
    if (at >= this.text.length) return 'the end of the line';
    const s = this.text.slice(at, at + SNIPPET);
    return `"${s}${this.text.length - at > SNIPPET ? '…' : ''}"`;
  }

  private tokenEnd(at: number): number {
    const p = this.tokenAt(at);
    return p === at ? Math.min(at + 1, this.text.length) : p;
  }

  fail(code: CursorFailure['code'], at: number, end: number, expected: string): false {
    if (!this.failure) {
      this.failure = {
        character: Math.min(at, this.text.length),
        endCharacter: Math.min(Math.max(end, at), this.text.length),
        code,
        message: `${this.context}: expected ${expected}, found ${this.found(at)}`,
      };
    }
    return false;
  }

  /**
   * Matches `s`. A space in `s` matches any run of blanks, including none, and
   * blanks before the literal are skipped, so `, pad=[` also matches `,pad=[`.
   */
  lit(s: string): boolean {
    if (!this.ok) return false;
    let p = skipBlanks(this.text, this.pos);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 32) {
        p = skipBlanks(this.text, p);
        continue;
      }
      if (this.text.charCodeAt(p) !== c) return this.fail('vta.dump.syntax', p, this.tokenEnd(p), `"${s.trim()}"`);
      p++;
    }
    this.pos = p;
    return true;
  }

  /** Matches a whole word (letters, digits, `_`, `-`) and returns it, or '' if there is none. */
  word(): string {
    if (!this.ok) return '';
    const p = skipBlanks(this.text, this.pos);
    const w = wordAt(this.text, p);
    this.pos = p + w.length;
    return w;
  }

  /** End of the value token starting at `at`. */
  private tokenAt(at: number): number {
    let p = at;
    while (p < this.text.length && isTokenChar(this.text.charCodeAt(p))) p++;
    return p;
  }

  /** A decimal integer, optionally negative, in [min, max]; undefined on failure. */
  int(what: string, min: number, max: number): number | undefined {
    if (!this.ok) return undefined;
    const text = this.text;
    const at = skipBlanks(text, this.pos);
    let p = at;
    const neg = text.charCodeAt(p) === 45; /* - */
    if (neg) p++;
    const digitsAt = p;
    let value = 0;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if (c < 48 || c > 57) break;
      // Past 2^53 the value is out of every range anyway; stop growing it.
      if (value < 1e15) value = value * 10 + (c - 48);
      else value = Infinity;
      p++;
    }
    if (p === digitsAt || (p < text.length && isTokenChar(text.charCodeAt(p)))) {
      this.fail('vta.dump.bad-number', at, this.tokenEnd(at), `a decimal number for ${what}`);
      return undefined;
    }
    if (neg) value = 0 - value; // 0 - 0 is +0
    if (value < min || value > max) {
      this.fail('vta.dump.bad-number', at, p, `${what} in [${min}, ${max}]`);
      return undefined;
    }
    this.pos = p;
    return value;
  }

  /** A `0x`-prefixed hexadecimal integer in [0, max]; undefined on failure. */
  hex(what: string, max: number): number | undefined {
    if (!this.ok) return undefined;
    const text = this.text;
    const at = skipBlanks(text, this.pos);
    let p = at + 2;
    let value = 0;
    const prefixed = text.charCodeAt(at) === 48 && (text.charCodeAt(at + 1) | 32) === 120; /* 0x / 0X */
    if (prefixed) {
      while (p < text.length) {
        const c = text.charCodeAt(p);
        const d = c >= 48 && c <= 57 ? c - 48 : (c | 32) >= 97 && (c | 32) <= 102 ? (c | 32) - 87 : -1;
        if (d < 0) break;
        if (value < 1e15) value = value * 16 + d;
        else value = Infinity;
        p++;
      }
    }
    if (!prefixed || p === at + 2 || (p < text.length && isTokenChar(text.charCodeAt(p)))) {
      this.fail('vta.dump.bad-number', at, this.tokenEnd(at), `a hexadecimal number (0x…) for ${what}`);
      return undefined;
    }
    if (value > max) {
      this.fail('vta.dump.bad-number', at, p, `${what} in [0x0, 0x${max.toString(16)}]`);
      return undefined;
    }
    this.pos = p;
    return value;
  }

  /** Only blanks may follow. */
  end(): boolean {
    if (!this.ok) return false;
    const p = skipBlanks(this.text, this.pos);
    if (p < this.text.length) return this.fail('vta.dump.syntax', p, this.text.length, 'the end of the line');
    return true;
  }
}
