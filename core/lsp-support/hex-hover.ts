/**
 * Hover over a hex word in any text (a `.vta` comment, a testbench log, a note): a
 * 32-digit instruction, or an 8-digit micro-op on a line that says `uop`, decoded
 * field by field as `vta decode` prints it.
 */
import type { VtaTarget } from '../isa';
import { describeWord, wordDescriptionText } from '../asm/describe-word';
import { hexWordBytes, hexWordsInLine, type ByteOrder } from '../asm/hex';

export interface HexHover {
  markdown: string;
  /** The word's columns on its line. */
  start: number;
  end: number;
}

export function hexWordHover(
  t: VtaTarget,
  lineText: string,
  character: number,
  order: ByteOrder = 'value',
): HexHover | undefined {
  // Only the line under the cursor is scanned, and only if it is not huge.
  if (lineText.length > 10_000) return undefined;
  const w = hexWordsInLine(lineText, 0).find((x) => x.start <= character && character <= x.end);
  if (!w) return undefined;
  const d = describeWord(t, hexWordBytes(w.digits, order));
  if (!d) return undefined;
  const [title, ...rest] = wordDescriptionText(d);
  const markdown = `**${title}** (${w.digits.length === 32 ? '128-bit instruction' : '32-bit micro-op'}, most significant digit first, target ${t.name})\n\n\`\`\`\n${rest.join('\n')}\n\`\`\``;
  return { markdown, start: w.start, end: w.end };
}
