/**
 * Assembled programs kept for reuse, by document, within a budget of instructions.
 *
 * An assembled instruction costs 0.7 to 2 KB of heap (its fields, its source spans,
 * its loop frames), so a program of 65,536 instructions is 45 to 150 MB. Kept for
 * every open document, a few edited loops held the language server past 500 MB (the
 * fuzz driver's seed 3: a heap snapshot of the server's thread held one such program
 * in 158 MB). Kept within a budget, the documents used last keep theirs and an older
 * one is assembled again when a request needs it (rare for a user, who works in one
 * document at a time).
 */
export class KeptPrograms<V> {
  /** In use order: the least recently used first. */
  private readonly entries = new Map<string, { value: V; instructions: number }>();
  private total = 0;

  constructor(
    /** Instructions in all; the entry set last is kept even past it. */
    private readonly budget: number,
  ) {}

  /** The value kept for `key` (now the most recently used), or undefined. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** Keeps `value` for `key` (replacing what was kept), then drops the least recently used past the budget. */
  set(key: string, value: V, instructions: number): void {
    this.delete(key);
    this.entries.set(key, { value, instructions });
    this.total += instructions;
    for (const [k, e] of this.entries) {
      if (this.total <= this.budget || k === key) break;
      this.entries.delete(k);
      this.total -= e.instructions;
    }
  }

  delete(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.total -= e.instructions;
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  /** Instructions kept now (for tests). */
  get instructions(): number {
    return this.total;
  }

  /** Keys kept now, least recently used first (for tests). */
  keys(): string[] {
    return [...this.entries.keys()];
  }
}
