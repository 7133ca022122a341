/**
 * The simulator view's HTML, shared by the extension host (client/simulator-panel.ts)
 * and the browser tests, so both run the page under the same Content-Security-Policy:
 * nothing remote, scripts only with the nonce, the worker from a blob: URL made of the
 * bundle fetched from the extension's own resources.
 */
import { checkNonce, escapeAttribute, pageStart } from '../page-safety';

export interface SimulatorHtmlOptions {
  /** The webview's resource origin (`webview.cspSource`). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  workerUri: string;
  styleUri: string;
}

const esc = escapeAttribute;

export function simulatorHtml(o: SimulatorHtmlOptions): string {
  checkNonce(o.nonce);
  const csp = [
    "default-src 'none'",
    `img-src ${o.cspSource} data: blob:`,
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `font-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
    `connect-src ${o.cspSource}`,
    'worker-src blob:',
  ].join('; ');
  return `${pageStart(csp)}
<meta property="csp-nonce" content="${esc(o.nonce)}">
<link rel="stylesheet" href="${esc(o.styleUri)}" nonce="${esc(o.nonce)}">
<title>VTA simulator</title>
</head>
<body>
<main id="app" data-worker="${esc(o.workerUri)}" aria-label="VTA simulator view"></main>
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}
