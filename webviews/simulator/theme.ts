/** Colours from the VS Code theme (CSS variables), read once per render pass. */
export interface Palette {
  fg: string;
  muted: string;
  bg: string;
  grid: string;
  focus: string;
  cursor: string;
  load: string;
  store: string;
  gemm: string;
  alu: string;
  nop: string;
  finish: string;
  stallToken: string;
  stallDram: string;
  stallFetch: string;
  token: string;
  bus: string;
  highlight: string;
  font: string;
  heatLow: string;
  heatHigh: string;
  capacity: string;
}

function v(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const x = style.getPropertyValue(name).trim();
  return x || fallback;
}

export function readPalette(el: Element = document.documentElement): Palette {
  const s = getComputedStyle(el);
  const fontFamily = v(s, '--vscode-font-family', 'system-ui, sans-serif');
  const fontSize = v(s, '--vscode-font-size', '12px');
  return {
    fg: v(s, '--vscode-foreground', '#cccccc'),
    muted: v(s, '--vscode-descriptionForeground', '#9d9d9d'),
    bg: v(s, '--vscode-editor-background', '#1e1e1e'),
    grid: v(s, '--vscode-editorWidget-border', '#454545'),
    focus: v(s, '--vscode-focusBorder', '#007fd4'),
    cursor: v(s, '--vscode-editorCursor-foreground', '#aeafad'),
    load: v(s, '--vscode-charts-blue', '#3794ff'),
    store: v(s, '--vscode-charts-purple', '#b180d7'),
    gemm: v(s, '--vscode-charts-green', '#89d185'),
    alu: v(s, '--vscode-charts-yellow', '#cca700'),
    nop: v(s, '--vscode-disabledForeground', '#6c6c6c'),
    finish: v(s, '--vscode-charts-foreground', '#cccccc'),
    stallToken: v(s, '--vscode-charts-red', '#f14c4c'),
    stallDram: v(s, '--vscode-charts-orange', '#d18616'),
    stallFetch: v(s, '--vscode-charts-lines', '#8a8a8a'),
    token: v(s, '--vscode-textLink-foreground', '#3794ff'),
    bus: v(s, '--vscode-charts-orange', '#d18616'),
    highlight: v(s, '--vscode-editor-findMatchBorder', '#ffd700'),
    font: `${fontSize} ${fontFamily}`,
    heatLow: v(s, '--vscode-editor-background', '#1e1e1e'),
    heatHigh: v(s, '--vscode-charts-green', '#89d185'),
    capacity: v(s, '--vscode-charts-red', '#f14c4c'),
  };
}

/** Parses `#rgb`, `#rrggbb(aa)` or `rgb(a)(…)` into [r, g, b]. */
export function rgbOf(color: string): [number, number, number] {
  const c = color.trim();
  if (c.startsWith('#')) {
    const h =
      c.length === 4
        ? c
            .slice(1)
            .split('')
            .map((x) => x + x)
            .join('')
        : c.slice(1, 7);
    const n = parseInt(h, 16);
    if (Number.isFinite(n)) return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const m = /rgba?\(([^)]+)\)/.exec(c);
  if (m) {
    const p = m[1]!.split(/[ ,/]+/).map(Number);
    return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
  }
  return [128, 128, 128];
}
