/**
 * The one file that knows the component library. The rest of the view asks for
 * "a button", "a select", "a checkbox" here and gets an element with a stable little
 * API; moving from @vscode/webview-ui-toolkit (deprecated upstream) to
 * @vscode-elements/elements changes this file only.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
} from '@vscode/webview-ui-toolkit';

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption());
}

export interface ButtonOptions {
  label: string;
  /** Accessible name when it differs from the label (e.g. an icon-like label). */
  ariaLabel?: string;
  title?: string;
  secondary?: boolean;
  onClick: () => void;
}

export function button(o: ButtonOptions): HTMLElement {
  register();
  const b = document.createElement('vscode-button');
  b.textContent = o.label;
  b.setAttribute('aria-label', o.ariaLabel ?? o.label);
  if (o.title) b.title = o.title;
  if (o.secondary) b.setAttribute('appearance', 'secondary');
  b.addEventListener('click', () => o.onClick());
  return b;
}

export interface SelectOptions {
  ariaLabel: string;
  options: Array<{ value: string; label: string }>;
  value?: string;
  onChange: (value: string) => void;
}

export function select(o: SelectOptions): HTMLElement & { value: string } {
  register();
  const d = document.createElement('vscode-dropdown') as HTMLElement & { value: string };
  d.setAttribute('aria-label', o.ariaLabel);
  for (const opt of o.options) {
    const e = document.createElement('vscode-option') as HTMLElement & { value: string };
    e.setAttribute('value', opt.value);
    e.textContent = opt.label;
    if (opt.value === o.value) e.setAttribute('selected', '');
    d.appendChild(e);
  }
  d.addEventListener('change', () => o.onChange(d.value));
  return d;
}

export interface CheckboxOptions {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

export function checkbox(o: CheckboxOptions): HTMLElement {
  register();
  const c = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  c.textContent = o.label;
  c.setAttribute('aria-label', o.label);
  if (o.checked) c.setAttribute('checked', '');
  c.addEventListener('change', () => o.onChange(c.checked));
  return c;
}

/** A labelled group of controls (a toolbar), with arrow-key navigation between them. */
export function toolbar(ariaLabel: string, children: HTMLElement[]): HTMLElement {
  const t = document.createElement('div');
  t.className = 'toolbar';
  t.setAttribute('role', 'toolbar');
  t.setAttribute('aria-label', ariaLabel);
  for (const c of children) t.appendChild(c);
  t.addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const items = children.filter((c) => c.offsetParent !== null);
    const at = items.findIndex((c) => c === document.activeElement || c.contains(document.activeElement));
    if (at < 0) return;
    const next = items[(at + (e.key === 'ArrowRight' ? 1 : items.length - 1)) % items.length]!;
    next.focus();
    e.preventDefault();
  });
  return t;
}
