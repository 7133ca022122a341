/**
 * The network estimate view's HTML (client/estimate-panel.ts and the browser test): the
 * estimate travels in the page as JSON; the script (dist/webviews/estimate.js) builds
 * the sortable table from it. Same Content-Security-Policy rules as the simulator view:
 * nothing remote, scripts only with the nonce.
 */
import { checkNonce, escapeAttribute, pageStart } from '../page-safety';

export interface EstimateHtmlOptions {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  /** The estimate of one network (`vta estimate --format json`'s `networks[i]`). */
  estimate: unknown;
  /** The schedule's file name, for the title. */
  file: string;
}

const esc = escapeAttribute;

export function estimateHtml(o: EstimateHtmlOptions): string {
  checkNonce(o.nonce);
  const csp = ["default-src 'none'", `style-src ${o.cspSource} 'nonce-${o.nonce}'`, `script-src 'nonce-${o.nonce}'`].join('; ');
  // JSON inside <script>: `<` escaped so that no `</script>` can end it early.
  const data = JSON.stringify(o.estimate).replace(/</g, '\\u003c');
  return `${pageStart(csp)}
<style nonce="${esc(o.nonce)}">
body { font-family: var(--vscode-font-family, sans-serif); font-size: var(--vscode-font-size, 13px); color: var(--vscode-foreground, #ccc); background: var(--vscode-editor-background, #1e1e1e); padding: 0 12px; }
table { border-collapse: collapse; }
th, td { padding: 2px 10px; text-align: right; border-bottom: 1px solid var(--vscode-editorWidget-border, #454545); }
th:nth-child(2), td:nth-child(2) { text-align: left; }
th { cursor: pointer; user-select: none; }
th[aria-sort="descending"]::after { content: " ▼"; }
th[aria-sort="ascending"]::after { content: " ▲"; }
tr.cpu td { color: var(--vscode-descriptionForeground, #9d9d9d); }
.bar { display: inline-block; height: 0.7em; background: var(--vscode-charts-blue, #3794ff); margin-right: 4px; vertical-align: middle; }
</style>
<title>VTA network estimate</title>
</head>
<body>
<main id="app" aria-label="VTA network estimate" data-file="${esc(o.file)}"></main>
<script id="estimate" type="application/json" nonce="${esc(o.nonce)}">${data}</script>
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}
