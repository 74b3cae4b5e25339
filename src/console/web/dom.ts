/** Builds elements whose every piece of log data is text (textContent), never markup. */
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | undefined | ((e: Event) => void)> = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

/** A link within the console: a real href (open in a tab, bookmark, paste into a ticket). */
export function link(href: string, ...children: Child[]): HTMLAnchorElement {
  return h('a', { href }, ...children);
}

export function path(...parts: (string | number)[]): string {
  return '/' + parts.map((p) => encodeURIComponent(String(p))).join('/');
}

export function withParams(base: string, params: URLSearchParams): string {
  const q = params.toString();
  return q ? `${base}?${q}` : base;
}

export function setView(title: string, ...content: Child[]): void {
  document.title = `${title} — spot-ml console`;
  const app = document.getElementById('app')!;
  app.replaceChildren(...content.filter((c): c is Node | string => c !== null && c !== undefined && c !== false).map((c) => (typeof c === 'number' ? String(c) : c)));
}

export function crumbs(...items: [string, string | undefined][]): void {
  const nav = document.getElementById('crumbs')!;
  nav.replaceChildren(...items.map(([label, href]) => (href ? link(href, label) : h('span', {}, label))));
}

export const fmtScore = (s: number) => (s === null || s === undefined ? '-' : Number(s).toExponential(3));
export const fmtPct = (p: number | null) => (p === null || p === undefined ? '-' : p < 0.01 ? '<0.01%' : `${p.toPrecision(3)}%`);
export const fmtCount = (n: number) => (n === null || n === undefined ? '-' : Number(n).toLocaleString('en-US'));
export const RATING_NAMES: Record<number, string> = { 1: 'high', 2: 'medium', 3: 'low' };
