/** Integer literals: decimal, 0x hex, 0b binary, with `_` separators. */
export function parseIntegerLiteral(image: string): { value: number; tooLarge: boolean } {
  const digits = image.includes('_') ? image.replace(/_/g, '') : image;
  // Short literals are exact as doubles; only long ones need BigInt to detect overflow.
  if (digits.length <= 15 && !(digits.length > 1 && (digits[1] === 'x' || digits[1] === 'X' || digits[1] === 'b' || digits[1] === 'B'))) {
    return { value: Number(digits), tooLarge: false };
  }
  if (digits === '0x' || digits === '0X' || digits === '0b' || digits === '0B') return { value: 0, tooLarge: false };
  const big = BigInt(digits);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return { value: Number.MAX_SAFE_INTEGER, tooLarge: true };
  return { value: Number(big), tooLarge: false };
}
