/**
 * Numbers in messages: grouped digits and a noun that agrees with its count
 * ("1 instruction", "5,427 instructions").
 */

/** `n` with thousands separators, as every message prints it. */
export function num(n: number): string {
  return n.toLocaleString('en-US');
}

/** `n noun` with the noun in the singular for exactly one. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${num(n)} ${n === 1 ? noun : plural}`;
}
