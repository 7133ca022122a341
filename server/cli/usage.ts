/**
 * `vta --help`: every command with its one-line summary and its synopsis (the
 * `usage:` lines of its own help), so the options each command takes are in one view.
 */
import type { CliCommand } from './command';

/**
 * The synopsis at the head of a command's help: its `usage:` line and the lines up to
 * the first blank one (further forms start with `vta`, others continue the line before).
 */
export function synopsis(help: string): string[] {
  const [first, ...rest] = help.split('\n');
  if (!first?.startsWith('usage: ')) return [];
  const lines = [first.slice('usage: '.length)];
  for (const line of rest) {
    const text = line.trim();
    if (!text) break;
    lines.push(text.startsWith('vta ') ? text : `    ${text}`);
  }
  return lines;
}

export function topHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const pad = ' '.repeat(width + 4);
  return [
    'usage: vta COMMAND [options]',
    '',
    'Commands, each with the options it takes (vta COMMAND --help explains them):',
    ...commands.flatMap((c) => [
      `  ${c.name.padEnd(width)}  ${c.summary}`,
      ...synopsis(c.help).map((s) => `${pad}${s}`),
      '',
    ]),
    'Every command takes -h, --help. vta --version (or vta version) prints the version.',
    '',
    '',
  ].join('\n');
}
