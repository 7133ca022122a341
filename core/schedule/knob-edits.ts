/**
 * Writing knobs back into a schedule's text: the `tile` and `threads` items of a layer
 * replaced in place (or added after the layer's header), everything else untouched —
 * what `vta tune -o` and the editor's "Use the fastest schedule" both apply.
 */
import type { Range } from '../lang/ast';
import type { Layer } from './layer';
import type { Knobs } from './tune';

export interface TextEdit {
  range: Range;
  newText: string;
}

export function tileText(op: Layer['op'], k: Knobs): string {
  const t = k.tile;
  return op === 'dense'
    ? `tile b=${t.b} ci=${t.ci} co=${t.co}`
    : `tile b=${t.b} h=${t.h} w=${t.w} ci=${t.ci} co=${t.co}`;
}

export function threadsText(op: Layer['op'], k: Knobs): string {
  return op === 'dense' ? `threads oc=${k.threads.oc}` : `threads oc=${k.threads.oc} h=${k.threads.h}`;
}

/**
 * The edits that give layer `l` the knobs `k`: each written value replaced where it
 * stands (so the line keeps its spacing and comment), a value that differs from an
 * absent one's default appended to its item, an absent item added after the header.
 */
export function knobEdits(l: Layer, k: Knobs): TextEdit[] {
  const edits: TextEdit[] = [];
  const added: string[] = [];
  const items = [
    {
      key: 'tile' as const,
      keys: l.op === 'dense' ? (['b', 'ci', 'co'] as const) : (['b', 'h', 'w', 'ci', 'co'] as const),
      now: l.tile as Record<string, number>,
      want: k.tile as Record<string, number>,
      text: tileText(l.op, k),
    },
    {
      key: 'threads' as const,
      keys: l.op === 'dense' ? (['oc'] as const) : (['oc', 'h'] as const),
      now: l.threads as Record<string, number>,
      want: k.threads as Record<string, number>,
      text: threadsText(l.op, k),
    },
  ];
  for (const it of items) {
    const at = l.where[it.key];
    const changed = it.keys.filter((name) => it.now[name] !== it.want[name]);
    if (!at) {
      if (changed.length) added.push(`  ${it.text}\n`);
      continue;
    }
    for (const name of changed) {
      const written = (l.where as Record<string, Range | undefined>)[`${it.key}.${name}`];
      if (written) edits.push({ range: written, newText: `${name}=${it.want[name]}` });
      else edits.push({ range: { start: at.end, end: at.end }, newText: ` ${name}=${it.want[name]}` });
    }
  }
  const after = { line: l.nameRange.start.line + 1, character: 0 };
  if (added.length) edits.push({ range: { start: after, end: after }, newText: added.join('') });
  return edits;
}

/** `text` with non-overlapping edits applied (positions are 0-based line/character of `text`). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: Range['start']) => Math.min(text.length, (lineStarts[p.line] ?? text.length) + p.character);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
