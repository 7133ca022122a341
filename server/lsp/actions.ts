/** Code actions: the core's Diagnostic.fixes as quick fixes, and inserting a missing `finish`. */
import { CodeActionKind, type CodeAction, type CodeActionParams, type TextEdit } from 'vscode-languageserver/node';
import { fixesOf } from './params';
import { pathToUri, type SchedAnalysis, type VtaAnalysis, type Workspace } from './workspace';
import { toLspDiagnostic } from './diagnostics';
import type { ScheduleTuner } from './schedule-tuner';
import { fastestScheduleAction } from './schedule-tuning';

export function codeActionsVta(ws: Workspace, a: VtaAnalysis, params: CodeActionParams): CodeAction[] {
  const out: CodeAction[] = [];
  const all = ws.findings(a).filter((d) => d.file === a.file);
  for (const ld of params.context.diagnostics) {
    const fixes =
      fixesOf(ld.data, true) ??
      all.find((d) => d.code === ld.code && d.message === ld.message && d.range.start.line === ld.range.start.line)
        ?.fixes ??
      [];
    for (const f of fixes) {
      const changes: Record<string, TextEdit[]> = {};
      for (const e of f.edits) (changes[pathToUri(e.file)] ??= []).push({ range: e.range, newText: e.newText });
      out.push({ title: f.title, kind: CodeActionKind.QuickFix, diagnostics: [ld], edit: { changes } });
    }
  }
  dedupe(out);
  const missing = all.find((d) => d.code === 'vta.finish.missing');
  const hasFinish = /^\s*finish\b/m.test(a.text);
  if (missing || (!hasFinish && a.result.program?.insns.length)) {
    const lines = a.text.split('\n');
    const endsWithNl = a.text.endsWith('\n');
    const lastLine = endsWithNl ? lines.length - 1 : lines.length - 1;
    const lastLen = lines[lastLine]!.length;
    const newText = endsWithNl ? '  finish\n' : '\n  finish\n';
    out.push({
      title: 'Insert `finish` at the end of the program',
      kind: CodeActionKind.QuickFix,
      diagnostics: missing ? [toLspDiagnostic(missing)] : undefined,
      isPreferred: true,
      edit: {
        changes: {
          [a.uri]: [
            {
              range: {
                start: { line: lastLine, character: endsWithNl ? 0 : lastLen },
                end: { line: lastLine, character: endsWithNl ? 0 : lastLen },
              },
              newText,
            },
          ],
        },
      },
    });
  }
  return out;
}

/** A schedule finding's quick fixes (a tile that fits, …), edits in the schedule itself. */
export function codeActionsSched(a: SchedAnalysis, params: CodeActionParams, tuner?: ScheduleTuner): CodeAction[] {
  const out: CodeAction[] = tuner ? fastestScheduleAction(tuner, a, params.range) : [];
  for (const ld of params.context.diagnostics) {
    const fixes =
      fixesOf(ld.data, false) ??
      a.lint.diagnostics.find(
        (d) => d.code === ld.code && d.message === ld.message && d.range.start.line === ld.range.start.line,
      )?.fixes ??
      [];
    for (const f of fixes) {
      out.push({
        title: f.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [ld],
        isPreferred: true,
        edit: { changes: { [a.uri]: f.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
      });
    }
  }
  // Several findings of one layer share their fix: offer it once.
  return dedupe(out);
}

/**
 * One action per title and edit (a pop that is both unbalanced and deadlocked offers
 * "remove this pop" once), listing every finding it fixes. Changes `actions` in place.
 */
function dedupe(actions: CodeAction[]): CodeAction[] {
  const seen = new Map<string, CodeAction>();
  let n = 0;
  for (const x of actions) {
    const key = `${x.title}@${JSON.stringify(x.edit?.changes)}`;
    const first = seen.get(key);
    if (first) {
      first.diagnostics = [...(first.diagnostics ?? []), ...(x.diagnostics ?? [])];
      continue;
    }
    seen.set(key, x);
    actions[n++] = x;
  }
  actions.length = n;
  return actions;
}
