/**
 * The page every view runs in, shared by the extension host and the browser tests so
 * that both load it under the same Content-Security-Policy: nothing remote, styles and
 * scripts only from the extension's resources with the nonce.
 */
export interface ViewPageOptions {
  /** The webview's resource origin (`webview.cspSource`). */
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
  title: string;
  /** The main element's accessible name. */
  label: string;
  /** Extra CSP directives (a worker's sources, say). */
  csp?: string[];
  /** Extra attributes of the main element. */
  data?: Record<string, string>;
}

export const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function viewPage(o: ViewPageOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('the nonce must be at least 16 base64 characters');
  const esc = escapeHtml;
  const csp = [
    "default-src 'none'",
    `img-src ${o.cspSource} data: blob:`,
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `font-src ${o.cspSource}`,
    `script-src 'nonce-${o.nonce}'`,
    ...(o.csp ?? []),
  ].join('; ');
  const attrs = Object.entries(o.data ?? {})
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<meta property="csp-nonce" content="${esc(o.nonce)}">
<link rel="stylesheet" href="${esc(o.styleUri)}" nonce="${esc(o.nonce)}">
<title>${esc(o.title)}</title>
</head>
<body>
<main id="app"${attrs} aria-label="${esc(o.label)}"></main>
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}
