import { crumbs, fmtCount, h, link, path, setView } from './dom.js';
import { get } from './http.js';
import type { DayItem } from './types.js';

const num = (s: Record<string, unknown> | undefined, k: string) => (s && typeof s[k] === 'number' ? fmtCount(s[k] as number) : '-');

/** Every scored day and type the console found, with its run's summary and how many events are rated. */
export async function daysView(): Promise<void> {
  crumbs();
  const days = await get<DayItem[]>('/api/days');
  setView(
    'days',
    h('h1', {}, 'Scored days'),
    h(
      'table',
      { id: 'days' },
      h(
        'thead',
        {},
        h('tr', {}, ...['day', 'type', 'rows read', 'invalid', 'not featurised', 'scored', 'reported', 'corpus (IPs × words, pairs)', 'rated', 'parameters', 'stage times', ''].map((t) => h('th', {}, t))),
      ),
      h(
        'tbody',
        {},
        ...days.map((d) => {
          const base = path('days', d.day, d.type);
          const s = d.summary;
          if (d.error) return h('tr', {}, h('td', {}, d.day), h('td', {}, d.type), h('td', { colspan: 10, class: 'error' }, d.error));
          const settings = s?.settings
            ? Object.entries(s.settings)
                .filter(([, v]) => v.source !== 'default')
                .map(([k, v]) => `${k}=${String(v.value)}`)
                .join(' ')
            : 'not recorded';
          const stages = s?.stageSeconds ? Object.entries(s.stageSeconds as Record<string, number>).map(([k, v]) => `${k} ${v.toFixed(1)}s`).join(', ') : '-';
          return h(
            'tr',
            {},
            h('td', {}, link(base, d.day)),
            h('td', {}, d.type),
            h('td', { class: 'num' }, num(s, 'rowsRead')),
            h('td', { class: 'num' }, num(s, 'invalid')),
            h('td', { class: 'num' }, num(s, 'notFeaturised')),
            h('td', { class: 'num' }, num(s, 'scored')),
            h('td', { class: 'num' }, num(s, 'reported')),
            h('td', { class: 'num' }, `${num(s, 'documents')} × ${num(s, 'vocabulary')}, ${num(s, 'nonzeros')}`),
            h('td', { class: 'num' }, fmtCount(d.rated ?? 0)),
            h('td', { class: 'wrap' }, settings),
            h('td', {}, stages),
            h('td', {}, link(base, 'events'), d.type === 'flow' ? [' · ', link(`${base}/network`, 'network')] : null),
          );
        }),
      ),
    ),
  );
}
