/** Integer literals: decimal, 0x hex, 0b binary, with `_` separators. */
export function parseIntegerLiteral(image: string): { value: number; tooLarge: boolean } {
  const digits = image.includes('_') ? image.replace(/_/g, '') : image;
  // Short literals are exact as doubles; only long ones need BigInt to detect overflow.
  if (
    digits.length <= 15 &&
    !(digits.length > 1 && (digits[1] === 'x' || digits[1] === 'X' || digits[1] === 'b' || digits[1] === 'B'))
  ) {
    return { value: Number(digits), tooLarge: false };
  }
  if (digits === '0x' || digits === '0X' || digits === '0b' || digits === '0B') return { value: 0, tooLarge: false };
  const big = BigInt(digits);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return { value: Number.MAX_SAFE_INTEGER, tooLarge: true };
  return { value: Number(big), tooLarge: false };
}

/** What literalValue gives for a literal past 2^53 (literals are never negative). */
export const TOO_LARGE = -1;

/** The value of an integer literal, or TOO_LARGE. */
export function literalValue(literal: string): number {
  const small = smallDecimal(literal);
  if (small >= 0) return small;
  const v = parseIntegerLiteral(literal);
  return v.tooLarge ? TOO_LARGE : v.value;
}

/** The value of a plain decimal literal of at most 9 digits (most of them), else -1. */
function smallDecimal(image: string): number {
  return decimalValue(image, 0, image.length) ?? -1;
}

/** The value of text[from, to) when it is a plain decimal of at most 9 digits, else undefined. */
export function decimalValue(text: string, from: number, to: number): number | undefined {
  if (to - from > 9) return undefined;
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return v;
}
