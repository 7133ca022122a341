/**
 * `vta check` as a VS Code task (type `vta`), its output read by the `$vta` problem
 * matcher (`file:line:col: severity code: message`). VTA: Check runs it on the
 * active file.
 */
import * as vscode from 'vscode';
import { count } from '../core/lang/count';
import { readSettings } from './settings';

export const TASK_TYPE = 'vta';

export interface VtaTaskDefinition extends vscode.TaskDefinition {
  command: 'check';
  /** Files to check; `${file}` and other variables are allowed. */
  files?: string[];
  target?: string;
}

function makeTask(
  context: vscode.ExtensionContext,
  def: VtaTaskDefinition,
  scope: vscode.WorkspaceFolder | vscode.TaskScope,
  name: string,
): vscode.Task {
  const cli = context.asAbsolutePath('dist/cli/vta.js');
  const args = [cli, 'check', ...(def.files?.length ? def.files : ['${file}'])];
  const target =
    def.target ??
    readSettings(scope === vscode.TaskScope.Workspace || typeof scope === 'number' ? undefined : scope.uri).target;
  if (target && target !== 'default') args.push('--target', target);
  const exec = new vscode.ProcessExecution(process.execPath, args, {
    env: { ELECTRON_RUN_AS_NODE: '1' },
    cwd: typeof scope === 'number' ? undefined : scope.uri.fsPath,
  });
  const task = new vscode.Task(def, scope, name, 'vta', exec, ['$vta']);
  task.group = vscode.TaskGroup.Build;
  task.presentationOptions = { reveal: vscode.TaskRevealKind.Silent, clear: true };
  return task;
}

export function registerCheckTask(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.tasks.registerTaskProvider(TASK_TYPE, {
      provideTasks: () => {
        const folder = vscode.workspace.workspaceFolders?.[0];
        return [
          makeTask(
            context,
            { type: TASK_TYPE, command: 'check' },
            folder ?? vscode.TaskScope.Workspace,
            'check current file',
          ),
        ];
      },
      resolveTask: (task) => {
        const def = task.definition as VtaTaskDefinition;
        if (def.command !== 'check') return undefined;
        return makeTask(context, def, task.scope ?? vscode.TaskScope.Workspace, task.name);
      },
    }),
  );
}

/** VTA: Check — saves and runs `vta check` on the active (or given) .vta file. */
export async function checkCommand(context: vscode.ExtensionContext, uri?: vscode.Uri): Promise<void> {
  const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (!target || target.scheme !== 'file') {
    void vscode.window.showWarningMessage('VTA: open a saved .vta file to check.');
    return;
  }
  const doc = await vscode.workspace.openTextDocument(target);
  if (doc.isDirty) await doc.save();
  const folder = vscode.workspace.getWorkspaceFolder(target);
  const name = target.path.slice(target.path.lastIndexOf('/') + 1);
  const task = makeTask(
    context,
    { type: TASK_TYPE, command: 'check', files: [target.fsPath] },
    folder ?? vscode.TaskScope.Workspace,
    `check ${name}`,
  );
  const execution = await vscode.tasks.executeTask(task);
  // The task's terminal stays silent on a clean file: say so.
  const done = vscode.tasks.onDidEndTaskProcess((e) => {
    if (e.execution !== execution) return;
    done.dispose();
    if (e.exitCode === 0) void reportClean(target, name);
  });
  context.subscriptions.push(done);
}

/** After a check that found no error: "no problems", or how many warnings the Problems view holds. */
async function reportClean(uri: vscode.Uri, name: string): Promise<void> {
  // The problem matcher publishes what it read as the task ends; give it a moment.
  await new Promise((r) => setTimeout(r, 300));
  const own = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'vta check');
  const warnings = own.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length;
  const text = warnings
    ? `VTA: no errors in ${name}; ${count(warnings, 'warning')} (see Problems).`
    : `VTA: no problems in ${name}.`;
  void vscode.window.showInformationMessage(text);
}
