import { crumbs, h, link, path, setView, RATING_NAMES } from './dom.js';
import { get } from './http.js';
import type { Moved, MovedEvent } from './types.js';

/** What moved at the last re-score: events entering or leaving the top N, rated events and the other events of rated IPs. */
export async function movedView(day: string, type: string, params: URLSearchParams): Promise<void> {
  const base = path('days', day, type);
  crumbs([`${type} ${day}`, base], ['what moved', undefined]);
  const top = params.get('top') ?? '20';
  const m = await get<Moved>(`/api${base}/moved?top=${encodeURIComponent(top)}`);
  if (!m.previous) {
    setView('what moved', h('h1', {}, 'What moved'), h('p', { class: 'muted' }, 'No previous run to compare with: re-score the day first.'));
    return;
  }
  const section = (title: string, id: string, rows: MovedEvent[]) =>
    h(
      'div',
      { class: 'card' },
      h('h2', {}, `${title} (${rows.length})`),
      h(
        'table',
        { id },
        h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'rank before'), h('th', { class: 'num' }, 'rank now'), h('th', { class: 'num' }, 'change'), h('th', {}, 'rating'), h('th', {}, 'event'))),
        h(
          'tbody',
          {},
          ...rows.map((r) =>
            h(
              'tr',
              {},
              h('td', { class: 'num' }, r.rankBefore ?? 'not reported'),
              h('td', { class: 'num' }, r.rankAfter !== null ? link(`${base}/events/${r.rankAfter}`, String(r.rankAfter)) : 'not reported'),
              h('td', { class: 'num' }, r.rankBefore !== null && r.rankAfter !== null ? `${r.rankAfter - r.rankBefore > 0 ? '+' : ''}${r.rankAfter - r.rankBefore}` : '-'),
              h('td', {}, r.rating ? RATING_NAMES[r.rating] : ''),
              h('td', { class: 'wrap' }, r.labelled.map((l) => `${l.label} ${l.value}`).join(' · ')),
            ),
          ),
        ),
      ),
    );
  setView(
    'what moved',
    h('h1', {}, `What moved (compared with the run ${m.previous === 'history' ? 'before, from the run history' : 'before the re-score'})`),
    section('Rated events', 'moved-rated', m.rated),
    section('Other events of the rated IPs', 'moved-ips', m.ofRatedIps),
    section(`Entered the top ${m.top}`, 'moved-entered', m.entered),
    section(`Left the top ${m.top}`, 'moved-left', m.left),
  );
}
