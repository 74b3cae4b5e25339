import { fmtScore, h } from './dom.js';
import type { Explanation, PairTerm, RobustParts } from './types.js';

const nats = (x: number | null) => (x === null || x === undefined ? '-' : Number(x).toFixed(3));

const PAIR_MEANINGS: Record<string, string> = {
  'peer rarity': 'B: ln(hosts / hosts dealing with the peer)',
  persistence: 'ln of the events the host initiated with the peer',
  volume: "ln of the bytes the host sent the peer against the day's median pair (0 below it)",
  regularity: 'beacon regularity: ln(n − 1)·(1 − CV of the gaps)·(1 − CV of the sizes)',
  'host fan-out': 'the host reaching peers no other host uses',
};

const WEIGHT_NAMES: Record<string, string> = {
  'peer rarity': '1 − routine',
  persistence: 'r·(1 − routine)',
  volume: 'r·(1 − routine)',
  regularity: 'r',
  'host fan-out': 'r',
};

/** A robust event's surprise S taken apart: its unit, each feature, the pair's behaviour, the host's context and their sum. */
export function robustCard(e: Explanation): HTMLElement {
  const r = e.robust;
  if (!r || 'robustNote' in r) {
    return h('div', { class: 'card', id: 'robust-parts' }, h('h2', {}, 'Why this event scored as it did'), h('p', { class: 'muted', id: 'robust-note' }, r?.robustNote ?? 'no explanation of this robust score'));
  }
  const pairCounts = r.initiated;
  return h(
    'div',
    { class: 'card', id: 'robust-parts', 'data-unit': r.unit },
    h('h2', {}, `Why this event scored S = ${nats(r.surprise)}`),
    h('p', {}, `S is the event's surprise in nats, the sum of the parts below; its score ${fmtScore(e.score)} is the share of the day's events at least as surprising.`),
    h('p', { id: 'robust-unit' }, h('strong', {}, `Unit: ${r.unit}. `), r.unitText),
    h(
      'p',
      { id: 'robust-direction' },
      'host ', h('strong', {}, r.host ?? '-'), ' → peer ', h('strong', {}, r.peer ?? '-'), ': ',
      pairCounts ? 'the host initiated it, so the pair part P counts.' : 'the host did not initiate it, so the pair part P does not count.',
    ),
    r.rated
      ? h('p', { class: 'note', id: 'robust-rated' }, h('strong', {}, 'Analyst feedback changed this score: '), `S is ${nats(r.surprise)}, where the parts below (before feedback) add up to ${nats(r.partsSum)}.`)
      : null,
    h(
      'div',
      { class: 'row' },
      h('div', { class: 'grow' }, h('h3', {}, 'Features: A, the sum of their surprises'), featuresTable(r)),
      h('div', { class: 'grow' }, h('h3', {}, `Pair behaviour: P${pairCounts ? '' : ' (not counted)'}`), pairTable(r)),
    ),
    h('h3', {}, 'The sum'),
    sumTable(r),
  );
}

function featuresTable(r: RobustParts): HTMLElement {
  return h(
    'table',
    { class: 'robust-features' },
    h('thead', {}, h('tr', {}, h('th', {}, 'feature'), h('th', {}, 'value'), h('th', { class: 'num' }, 'surprise'))),
    h(
      'tbody',
      {},
      ...r.features.map((f) => h('tr', { class: f.surprise > 0 ? 'odd' : '' }, h('td', {}, f.name), h('td', { class: 'wrap' }, f.value ?? '(none)'), h('td', { class: 'num' }, nats(f.surprise)))),
    ),
    h('tfoot', {}, h('tr', {}, h('th', { colspan: 2 }, 'feature part A (odd for the host, nonzero rows marked)'), h('th', { class: 'num' }, nats(r.feature_part)))),
  );
}

function pairTable(r: RobustParts): HTMLElement {
  const row = (t: PairTerm) =>
    h('tr', { class: t.part > 0 ? 'odd' : '' }, h('td', {}, t.name), h('td', { class: 'num' }, nats(t.value)), h('td', { class: 'num' }, `× ${nats(t.weight)}`), h('td', { class: 'nowrap' }, WEIGHT_NAMES[t.name] ?? ''), h('td', { class: 'num' }, nats(t.part)), h('td', { class: 'muted' }, PAIR_MEANINGS[t.name] ?? ''));
  const figure = (name: string, value: number | null, meaning: string) =>
    h('tr', {}, h('td', {}, name), h('td', { class: 'num' }, nats(value)), h('td', {}), h('td', {}), h('td', {}), h('td', { class: 'muted' }, meaning));
  const terms: HTMLElement[] = r.pairTerms
    ? r.pairTerms.map(row)
    : [
        figure('peer rarity', r.peer_rarity, PAIR_MEANINGS['peer rarity']),
        figure('persistence', r.persistence, PAIR_MEANINGS.persistence),
        figure('volume', r.volume, PAIR_MEANINGS.volume),
        figure('regularity', r.regularity, PAIR_MEANINGS.regularity),
        figure('host fan-out', r.fanout, PAIR_MEANINGS['host fan-out']),
      ];
  return h(
    'table',
    { class: 'robust-pair' },
    h('thead', {}, h('tr', {}, h('th', {}, 'part'), h('th', { class: 'num' }, 'value'), h('th', { class: 'num' }, 'weight'), h('th', {}, ''), h('th', { class: 'num' }, 'in P'), h('th', {}, 'meaning'))),
    h(
      'tbody',
      {},
      ...terms,
      figure('routine', r.routine, "share of the day's hours the pair spans: an all-day pair is routine"),
      figure('rarity weight r', r.rarity_weight, 'B / ln(hosts): the behaviour counts as much as the peer is rare'),
    ),
    h('tfoot', {}, h('tr', {}, h('th', { colspan: 4 }, r.initiated ? 'pair part P' : 'pair part P (not counted: the host did not initiate it)'), h('th', { class: 'num' }, nats(r.pair_part)), h('th', {}))),
  );
}

function sumTable(r: RobustParts): HTMLElement {
  const line = (name: string, value: number | null, meaning: string, id: string) =>
    h('tr', { 'data-part': id }, h('td', {}, name), h('td', { class: 'num' }, nats(value)), h('td', { class: 'muted' }, meaning));
  return h(
    'table',
    { class: 'robust-sum', id: 'robust-sum' },
    h('thead', {}, h('tr', {}, h('th', {}, 'part'), h('th', { class: 'num' }, 'nats'), h('th', {}, 'meaning'))),
    h(
      'tbody',
      {},
      line('features A', r.feature_part, 'its feature values that are odd for this host', 'A'),
      line('pair P', r.initiated ? r.pair_part : 0, r.initiated ? "the host's behaviour with this peer" : 'not counted: the host did not initiate it', 'P'),
      line('host odd', r.host_odd, "(A / ln hosts) × the host's other odd events: many odd things from one host", 'host_odd'),
    ),
    h(
      'tfoot',
      {},
      h('tr', { 'data-part': 'S' }, h('th', {}, r.rated ? 'S (after feedback)' : 'S = A + P + host odd'), h('th', { class: 'num' }, nats(r.surprise)), h('th', {}, r.rated ? `the parts add up to ${nats(r.partsSum)}` : '')),
    ),
  );
}
