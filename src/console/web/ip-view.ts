import { crumbs, fmtCount, fmtScore, h, link, path, setView, withParams } from './dom.js';
import { get } from './http.js';
import { thetaChart } from './charts.js';
import { eventsTable } from './events-view.js';
import type { EventRow, WordPart } from './types.js';

interface IpData { ip: string; scoring: 'spot' | 'robust'; internal: boolean; theta: number[] | null; words: { word: string; count: number; score: number; parts: WordPart[] }[]; events: EventRow[]; eventCount: number }

/** One IP: its topic mix and its most frequent words (spot runs), its events among the results. */
export async function ipView(day: string, type: string, ip: string): Promise<void> {
  const base = path('days', day, type);
  crumbs([`${type} ${day}`, base], [ip, undefined]);
  const d = await get<IpData>(`/api${base}/ips/${encodeURIComponent(ip)}`);
  setView(
    `${ip} ${type} ${day}`,
    h('h1', {}, `IP ${ip} `, h('span', { class: 'badge' }, d.internal ? 'internal' : 'external')),
    d.scoring === 'robust' ? noTopicModel() : topicCards(d),
    h('h2', {}, `Its events among the results (${fmtCount(d.eventCount)}) `, link(withParams(base, new URLSearchParams([['ip', ip]])), 'open in the table')),
    eventsTable(base, type, { rows: d.events }),
  );
}

/** A robust run fits no topic model: nothing to show of the IP but its events. */
function noTopicModel(): HTMLElement {
  return h(
    'div',
    { class: 'card', id: 'no-topic-model' },
    h('p', {}, 'This day was scored in the robust mode, which fits no topic model: there is no topic mix or word table for an IP. Open one of its events below to see why it scored as it did.'),
  );
}

function topicCards(d: IpData): HTMLElement {
  return h(
    'div',
    { class: 'row' },
    h('div', { class: 'card grow' }, h('h2', {}, 'Topic mix θ'), d.theta ? thetaChart(d.theta) : h('p', { class: 'muted' }, 'not in the model')),
    h(
      'div',
      { class: 'card grow' },
      h('h2', {}, 'Most frequent words'),
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, h('th', {}, 'word'), h('th', { class: 'num' }, 'count'), h('th', { class: 'num' }, 'score'), h('th', {}, 'meaning'))),
        h('tbody', {}, ...d.words.map((w) => h('tr', {}, h('td', {}, h('code', {}, w.word)), h('td', { class: 'num' }, fmtCount(w.count)), h('td', { class: 'num' }, fmtScore(w.score)), h('td', {}, w.parts.map((p) => `${p.part}: ${p.meaning}`).join('; '))))),
      ),
    ),
  );
}
