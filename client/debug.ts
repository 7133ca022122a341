/**
 * The `vta` debugger: launch configurations (with F5 on a .vta and no launch.json)
 * and the debug adapter, `dist/server/dap.js` run as an executable with the
 * extension host's Node.
 */
import * as vscode from 'vscode';
import { followDebuggerCycle } from './simulator-panel';
import { existsSync } from 'node:fs';
import { readSettings } from './settings';

export const DEBUG_TYPE = 'vta';

export interface VtaLaunchConfiguration extends vscode.DebugConfiguration {
  program?: string;
  insn?: string;
  dram?: string;
  dump?: string;
  target?: string;
  stopOnEntry?: boolean;
  mode?: 'functional' | 'timing' | 'both';
}

export function launchConfigFor(uri: vscode.Uri, stopOnEntry = false): VtaLaunchConfiguration {
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  return { type: DEBUG_TYPE, request: 'launch', name: `Debug ${name}`, program: uri.fsPath, stopOnEntry, mode: 'both' };
}

/**
 * The configurations the Run and Debug picker offers without a launch.json: the open
 * .vta files first, then the workspace's (a few), each by name.
 */
async function dynamicConfigurations(): Promise<vscode.DebugConfiguration[]> {
  const uris = new Map<string, vscode.Uri>();
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'vta' && active.uri.scheme === 'file') uris.set(active.uri.toString(), active.uri);
  for (const d of vscode.workspace.textDocuments)
    if (d.languageId === 'vta' && d.uri.scheme === 'file') uris.set(d.uri.toString(), d.uri);
  if (vscode.workspace.workspaceFolders?.length) {
    for (const u of await vscode.workspace.findFiles('**/*.vta', '**/node_modules/**', 20)) uris.set(u.toString(), u);
  }
  return [...uris.values()].map((u) => launchConfigFor(u, true));
}

class ConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.ProviderResult<vscode.DebugConfiguration[]> {
    return [
      {
        type: DEBUG_TYPE,
        request: 'launch',
        name: 'Debug the current .vta file',
        program: '${file}',
        stopOnEntry: false,
        mode: 'both',
      },
    ];
  }

  resolveDebugConfiguration(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
  ): vscode.ProviderResult<vscode.DebugConfiguration> {
    const c = config as VtaLaunchConfiguration;
    // F5 with no launch.json: an empty configuration.
    if (!c.type && !c.request && !c.name) {
      const ed = vscode.window.activeTextEditor;
      if (ed?.document.languageId === 'vta') Object.assign(c, launchConfigFor(ed.document.uri));
    }
    c.type ??= DEBUG_TYPE;
    c.request ??= 'launch';
    c.name ??= 'Debug VTA program';
    if (!c.program && !c.insn && !c.dump) {
      const ed = vscode.window.activeTextEditor;
      if (ed?.document.languageId === 'vta') c.program = ed.document.uri.fsPath;
      else {
        // Not an error (F5 in an empty window lands here): say what to do.
        void vscode.window
          .showInformationMessage(
            'VTA: open a .vta file to debug it, or set "program", "insn" or "dump" in the launch configuration.',
            'Open an Example…',
          )
          .then((pick) => {
            if (pick) void vscode.commands.executeCommand('vta.openExample');
          });
        return undefined;
      }
    }
    if (c.target === undefined) {
      const t = readSettings(folder?.uri).target;
      if (t !== 'default') c.target = t;
    }
    return c;
  }
}

class AdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly context: vscode.ExtensionContext) {}

  createDebugAdapterDescriptor(): vscode.ProviderResult<vscode.DebugAdapterDescriptor> {
    const dap = this.context.asAbsolutePath('dist/server/dap.js');
    if (!existsSync(dap)) {
      void vscode.window.showErrorMessage(`VTA: the debug adapter is missing (${dap}); run npm run build.`);
      return undefined;
    }
    // In desktop VS Code the extension host's executable is Electron: run it as Node.
    return new vscode.DebugAdapterExecutable(process.execPath, [dap], { env: { ELECTRON_RUN_AS_NODE: '1' } });
  }
}

export function registerDebugger(context: vscode.ExtensionContext): void {
  const provider = new ConfigurationProvider();
  context.subscriptions.push(
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, provider),
    vscode.debug.registerDebugConfigurationProvider(
      DEBUG_TYPE,
      { provideDebugConfigurations: dynamicConfigurations },
      vscode.DebugConfigurationProviderTriggerKind.Dynamic,
    ),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new AdapterFactory(context)),
    // The simulator view, when open, follows the debugger's cycle.
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      const cycle = (e.body as { cycle?: unknown } | undefined)?.cycle;
      if (e.session.type === DEBUG_TYPE && e.event === 'vtaCycle' && typeof cycle === 'number')
        followDebuggerCycle(cycle);
    }),
  );
}

/** The `vta.debug` command (code lens): debugs the given (or active) .vta document. */
export async function debugCommand(uri?: vscode.Uri): Promise<boolean> {
  const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
  if (!target) {
    void vscode.window.showWarningMessage('VTA: open a .vta file to debug.');
    return false;
  }
  const doc = await vscode.workspace.openTextDocument(target);
  if (doc.isDirty) await doc.save();
  return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(target), launchConfigFor(target, true));
}
