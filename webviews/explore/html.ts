/**
 * The design-space view's HTML, shared by the extension (client/explore-panel.ts) and
 * the browser tests: nothing remote, scripts only with the nonce.
 */
export interface ExploreHtmlOptions {
  cspSource: string;
  nonce: string;
  scriptUri: string;
  styleUri: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function exploreHtml(o: ExploreHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(o.nonce)) throw new Error('the nonce must be at least 16 base64 characters');
  const csp = ["default-src 'none'", `img-src ${o.cspSource} data:`, `style-src ${o.cspSource} 'nonce-${o.nonce}'`, `font-src ${o.cspSource}`, `script-src 'nonce-${o.nonce}'`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${esc(o.styleUri)}" nonce="${esc(o.nonce)}">
<title>VTA design space</title>
</head>
<body>
<main id="app" aria-label="VTA design space"></main>
<script nonce="${esc(o.nonce)}" src="${esc(o.scriptUri)}"></script>
</body>
</html>`;
}
