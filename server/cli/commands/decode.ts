import { parseArgs } from 'node:util';
import { describeWord, wordDescriptionText } from '../../../core/asm/describe-word';
import { hexWordBytes, type ByteOrder } from '../../../core/asm/hex';
import { defaultTarget } from '../../../core/isa';
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { resolveTargetOption } from '../load';

const HELP = `usage: vta decode HEX… [--byte-order value|memory] [--target NAME|FILE]

Prints each field of one or a few words given as hex: 32 digits are a 128-bit
instruction, 8 digits a 32-bit micro-op (an optional 0x prefix and _ separators are
ignored). Digits are most significant first (as C prints word[1] then word[0] with
%016llx) unless --byte-order memory (byte 0 first). For each word: its kind and
module, every field with its bits and value, the instruction as .vta, and anything
that is not a valid instruction. Exit status 1 if a word has a problem.`;

export const decodeCommand: CliCommand = {
  name: 'decode',
  summary: 'print the fields of instruction or micro-op words given in hex',
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { target: { type: 'string' }, 'byte-order': { type: 'string' } },
    });
    if (!positionals.length)
      throw new UsageError('give one or more words in hex (32 digits for an instruction, 8 for a micro-op)');
    const order = values['byte-order'] ?? 'value';
    if (order !== 'value' && order !== 'memory')
      throw new UsageError(`--byte-order must be value or memory, not ${order}`);
    const target = resolveTargetOption(values.target, io.cwd) ?? defaultTarget();
    const words = positionals.map((w) => {
      const digits = w.replace(/^0x/i, '').replace(/_/g, '');
      if (!/^[0-9a-f]+$/i.test(digits) || (digits.length !== 32 && digits.length !== 8)) {
        throw new UsageError(
          `'${w}' is not a word: expected 32 hex digits (an instruction) or 8 (a micro-op), found ${digits.length} characters`,
        );
      }
      return digits;
    });
    let status = 0;
    const out: string[] = [];
    for (const digits of words) {
      const d = describeWord(target, hexWordBytes(digits, order as ByteOrder))!;
      if (d.problems.length) status = 1;
      out.push(`${digits}: ${wordDescriptionText(d).join('\n')}`);
    }
    io.stdout(out.join('\n\n') + '\n');
    return status;
  },
};
