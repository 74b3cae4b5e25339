import { crumbs, fmtCount, fmtPct, fmtScore, h, link, path, setView, withParams } from './dom.js';
import { get } from './http.js';
import { thetaChart } from './charts.js';
import { ratingButtons } from './rating.js';
import { robustCard } from './robust-explain.js';
import type { Explanation, Slot } from './types.js';

/** One event explained: its fields, and each word decoded and each score taken apart (spot) or its surprise's parts (robust). */
export async function explainView(day: string, type: string, rank: number): Promise<void> {
  const base = path('days', day, type);
  crumbs([`${type} ${day}`, base], [`event #${rank}`, undefined]);
  const e = await get<Explanation>(`/api${base}/events/${rank}`);
  const robust = e.scoring === 'robust';
  const ips = robust ? e.ips : e.slots.map((s) => s.ip);
  const pair = new URLSearchParams();
  for (const ip of ips) pair.append('ip', ip);
  setView(
    `#${rank} ${type} ${day}`,
    h('h1', {}, `Event #${rank}: score ${fmtScore(e.score)}`),
    h(
      'div',
      { class: 'card' },
      h('dl', { class: 'kv', id: 'event-fields' }, ...e.labelled.flatMap((l) => [h('dt', {}, l.label), h('dd', {}, l.value)])),
      robust
        ? h('p', {}, `Percentile ${fmtPct(e.percentile)}: the share of the day's events at least as suspicious (a robust score is its own percentile).`)
        : h('p', {}, `Percentile ${fmtPct(e.percentile)} of the day's scored events`, type === 'flow' ? ' (counted by event side: see the decisions)' : '', '.'),
      type === 'flow' && e.scoringSide ? h('p', { id: 'scoring-side' }, h('strong', {}, `Scored by the ${e.scoringSide} side`), ` (${ips[e.scoringSide === 'source' ? 0 : 1]}): an event scores the smaller of its two sides' scores.`) : null,
      h('p', {}, 'Rating: ', ratingButtons(base, rank, e.rating, () => undefined)),
      h(
        'p',
        {},
        ...ips.flatMap((ip, i) => [i ? ' · ' : '', link(withParams(base, new URLSearchParams([['ip', ip]])), `other events of ${ip}`), ' (', link(`${base}/ips/${encodeURIComponent(ip)}`, 'IP view'), ')']),
        type === 'flow' ? [' · ', link(withParams(base, pair), 'other events of this pair')] : null,
      ),
    ),
    ...(robust ? [robustCard(e)] : e.slots.map((s) => slotCard(base, s, type === 'flow' ? 'event sides' : 'events'))),
  );
}

function slotCard(base: string, s: Slot, unit: string): HTMLElement {
  const b = s.breakdown;
  return h(
    'div',
    { class: 'card slot', 'data-side': s.side },
    h('h2', {}, `${s.side}: `, link(`${base}/ips/${encodeURIComponent(s.ip)}`, s.ip), ' ', s.scoring ? h('span', { class: 'badge scoring' }, 'gave the event its score') : null),
    h('p', {}, 'Word ', h('code', { class: 'word' }, s.word ?? '(none)'), b ? ` scores ${fmtScore(b.score)} at this IP.` : ''),
    h(
      'table',
      { class: 'parts' },
      h('thead', {}, h('tr', {}, h('th', {}, 'part'), h('th', {}, 'value'), h('th', {}, 'meaning'))),
      h('tbody', {}, ...s.parts.map((p) => h('tr', {}, h('td', {}, p.part), h('td', {}, p.value), h('td', {}, p.meaning)))),
    ),
    b
      ? h(
          'div',
          { class: 'row' },
          h(
            'div',
            { class: 'grow' },
            h('h2', {}, 'Score taken apart: Σ θ(topic | IP) · φ(word | topic)'),
            h(
              'table',
              { class: 'breakdown' },
              h('thead', {}, h('tr', {}, h('th', {}, 'topic'), h('th', { class: 'num' }, 'θ (IP)'), h('th', { class: 'num' }, 'φ (word)'), h('th', { class: 'num' }, 'θ·φ'), h('th', { class: 'num' }, 'share'))),
              h(
                'tbody',
                {},
                ...b.topics.map((t) =>
                  h('tr', {}, h('td', {}, `t${t.topic}`), h('td', { class: 'num' }, t.theta.toFixed(4)), h('td', { class: 'num' }, t.phi.toExponential(3)), h('td', { class: 'num' }, t.product.toExponential(3)), h('td', { class: 'num' }, b.score > 0 ? `${((100 * t.product) / b.score).toFixed(1)}%` : '-')),
                ),
              ),
            ),
            h(
              'p',
              { class: 'counts' },
              `This IP had this word in ${fmtCount(b.ipWordCount)} of its ${fmtCount(b.ipEvents)} ${unit} that day; ${fmtCount(b.ipsWithWord)} IP(s) had it at all (${fmtCount(b.wordEvents)} times).`,
              !b.inModel.ip ? ' The IP is not in the model.' : '',
              !b.inModel.word ? ' The word is not in the model.' : '',
            ),
          ),
          h('div', { class: 'grow' }, h('h2', {}, "The IP's topic mix θ"), thetaChart(b.theta, b.topics.slice(0, 3).map((t) => t.topic))),
        )
      : h('p', { class: 'muted' }, 'no word: this event could not be scored'),
  );
}
