/**
 * Hover over a hex instruction word in log and plain-text files (the language
 * server is not attached to those; it serves the same hover in .vta files).
 */
import * as vscode from 'vscode';
import { defaultTarget } from '../core/isa';
import { hexWordHover } from '../core/lsp-support/hex-hover';
import { settingTarget } from './settings';

export function registerHexHover(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.languages.registerHoverProvider(['log', 'plaintext'], {
      provideHover(doc, pos) {
        let target;
        try {
          target = settingTarget(doc.uri);
        } catch {
          target = defaultTarget();
        }
        const h = hexWordHover(target, doc.lineAt(pos.line).text, pos.character);
        if (!h) return undefined;
        return new vscode.Hover(
          new vscode.MarkdownString(h.markdown),
          new vscode.Range(pos.line, h.start, pos.line, h.end),
        );
      },
    }),
  );
}
