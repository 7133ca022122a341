/** Document links for include, image, target "x.json" and file("…") paths; code lenses to run a program. */
import type { CodeLens, DocumentLink } from 'vscode-languageserver/node';
import { count } from '../../core/lang/count';
import type { KernelItem, Stmt } from '../../core/lang/ast';
import { layerErrors } from '../../core/schedule';
import { pathToUri, type SchedAnalysis, type VtaAnalysis, type Workspace } from './workspace';
import { networkLenses } from './schedule-networks';

export function documentLinksVta(ws: Workspace, a: VtaAnalysis): DocumentLink[] {
  const out: DocumentLink[] = [];
  const link = (range: DocumentLink['range'], rel: string) => {
    const path = ws.host.resolve(a.file, rel);
    out.push({ range, target: pathToUri(path), tooltip: path });
  };
  const walk = (items: Array<Stmt | KernelItem> | undefined) => {
    for (const s of items ?? []) {
      if (!s) continue;
      if (s.kind === 'include' || s.kind === 'image') link(s.pathRange, s.path);
      else if (s.kind === 'target' && s.path !== undefined) link(s.valueRange, s.path);
      else if (s.kind === 'data' && s.init?.kind === 'file') link(s.init.pathRange, s.init.path);
      else if (s.kind === 'for') walk(s.body as Array<Stmt | KernelItem>);
      else if (s.kind === 'if') {
        walk(s.then as Array<Stmt | KernelItem>);
        walk(s.else as Array<Stmt | KernelItem> | undefined);
      }
    }
  };
  walk(a.ast.statements);
  return out;
}

/** "Simulate" and "Debug" over the program: on its first instruction (or the first line). */
export function codeLensesVta(a: VtaAnalysis): CodeLens[] {
  const first = findFirstInstruction(a.ast.statements);
  if (!first && !a.ast.statements.length) return [];
  const line = first ? first.range.start.line : 0;
  const range = { start: { line, character: 0 }, end: { line, character: 0 } };
  return [
    { range, command: { title: '▶ Simulate', command: 'vta.simulate', arguments: [a.uri] } },
    { range, command: { title: '⚙ Debug', command: 'vta.debug', arguments: [a.uri] } },
  ];
}

function findFirstInstruction(items: Stmt[]): Stmt | undefined {
  for (const s of items) {
    if (!s) continue;
    if (
      s.kind === 'insn' ||
      s.kind === 'push' ||
      s.kind === 'pop' ||
      s.kind === 'label' ||
      s.kind === 'for' ||
      s.kind === 'if'
    )
      return s;
  }
  return undefined;
}

/** The longest reason a code lens shows; the whole message is in the Problems view. */
const MAX_LENS_TEXT = 110;

/**
 * "Simulate" and "Lower to .vta" above each layer that lints clean (client commands, for
 * that layer); above a layer with errors, why it cannot be simulated (opens Problems);
 * above each network, its total from the estimates at hand.
 */
export function codeLensesSched(a: SchedAnalysis, ws?: Workspace): CodeLens[] {
  const out: CodeLens[] = ws ? networkLenses(ws, a) : [];
  for (const s of a.ast.statements) {
    if (s.kind !== 'operator') continue;
    const line = s.range.start.line;
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    const errors = layerErrors(a.lint, s);
    const linted = a.lint.layers.some((f) => f.layer.nameRange === s.nameRange);
    if (errors.length || !linted) {
      const first =
        errors[0]?.message.replace(new RegExp(`^${s.name}: `), '') ?? `${s.op} layers cannot be lowered yet`;
      const why = first.length > MAX_LENS_TEXT ? `${first.slice(0, MAX_LENS_TEXT - 1)}…` : first;
      const title = `⚠ Cannot simulate: ${errors.length > 1 ? `${count(errors.length, 'error')}, first: ` : ''}${why}`;
      out.push({ range, command: { title, command: 'workbench.actions.view.problems', arguments: [] } });
      continue;
    }
    out.push(
      { range, command: { title: '▶ Simulate', command: 'vta.simulateScheduleLayer', arguments: [a.uri, s.name] } },
      { range, command: { title: '⤓ Lower to .vta', command: 'vta.lowerSchedule', arguments: [a.uri, s.name] } },
    );
  }
  return out;
}
