import { crumbs, h, setView } from './dom.js';
import { get, post } from './http.js';

interface Allowlist { file: string; text: string; entries: string[]; problems: { line: number; text: string; problem: string }[] }

/** The allow-list, editable: IPs, CIDRs and domains whose events are hidden from the tables. */
export async function allowlistView(): Promise<void> {
  crumbs(['allow-list', undefined]);
  const a = await get<Allowlist>('/api/allowlist');
  const area = h('textarea', { id: 'allowlist-text', spellcheck: 'false' });
  area.value = a.text;
  const status = h('p', { id: 'allowlist-status', class: 'muted' }, `${a.entries.length} entries in ${a.file}`);
  const save = h('button', { type: 'button', class: 'primary', id: 'allowlist-save' }, 'save');
  save.addEventListener('click', async () => {
    try {
      const saved = await post<Allowlist>('/api/allowlist', { text: area.value });
      status.className = 'muted';
      status.textContent = `saved: ${saved.entries.length} entries`;
    } catch (err) {
      status.className = 'error';
      status.textContent = (err as Error).message;
    }
  });
  setView(
    'allow-list',
    h('h1', {}, 'Allow-list'),
    h('p', {}, 'One entry a line: an IP address, an IPv4 CIDR (10.1.0.0/16), a domain name (that name only) or *.example.com (example.com and every name under it). # starts a comment. Matching events are hidden from the tables, with a count and a link to show them.'),
    h('div', { class: 'card' }, area, h('p', {}, save), status),
  );
}
