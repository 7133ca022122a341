/** Integer literals: decimal, 0x hex, 0b binary, with `_` separators. */
export function parseIntegerLiteral(image: string): { value: number; tooLarge: boolean } {
  const digits = image.replace(/_/g, '');
  if (digits === '0x' || digits === '0X' || digits === '0b' || digits === '0B') return { value: 0, tooLarge: false };
  const big = BigInt(digits);
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) return { value: Number.MAX_SAFE_INTEGER, tooLarge: true };
  return { value: Number(big), tooLarge: false };
}
