/**
 * The simulator view's page (client/simulator-panel.ts and the browser tests): the
 * worker runs from a blob: URL made of the bundle fetched from the extension's own
 * resources, so the page may fetch from there and start blob: workers.
 */
import { viewPage } from '../shared/html';

export interface SimulatorHtmlOptions {
  /** The webview's resource origin (`webview.cspSource`). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  workerUri: string;
  styleUri: string;
}

export function simulatorHtml(o: SimulatorHtmlOptions): string {
  return viewPage({
    cspSource: o.cspSource,
    nonce: o.nonce,
    scriptUri: o.scriptUri,
    styleUri: o.styleUri,
    title: 'VTA simulator',
    label: 'VTA simulator view',
    csp: [`connect-src ${o.cspSource}`, 'worker-src blob:'],
    data: { worker: o.workerUri },
  });
}
