import { crumbs, fmtCount, fmtPct, fmtScore, h, link, path, setView, withParams } from './dom.js';
import { get, post } from './http.js';
import { scoreHistogram } from './charts.js';
import { ratingButtons } from './rating.js';
import type { EventRow, EventsPage, Job } from './types.js';

/** Fields that may be long (names, URIs, agents) wrap; the others stay on one line. */
const LONG_FIELDS = new Set(['name', 'URI', 'agent', 'host', 'content type']);
const FILTERS = ['q', 'ip', 'port', 'proto', 'min', 'max', 'rated', 'hidden', 'sort', 'dir', 'limit'];

/** The table of one day's suspicious events: score order, paging, sorting, filters, ratings, re-score. */
export async function eventsView(day: string, type: string, params: URLSearchParams): Promise<void> {
  const base = path('days', day, type);
  const apiParams = new URLSearchParams();
  for (const k of [...FILTERS, 'offset']) for (const v of params.getAll(k)) if (v !== '') apiParams.append(k, v);
  crumbs([`${type} ${day}`, undefined]);
  const [page, hist] = await Promise.all([
    get<EventsPage>(withParams(`/api${base}/events`, apiParams)),
    get<{ scoring: 'spot' | 'robust'; distribution: never; threshold: number | null; reportedMax: number | null; reported: number }>(`/api${base}/histogram`),
  ]);
  const filterOnly = new URLSearchParams(apiParams);
  filterOnly.delete('offset');
  const hiddenToggle = new URLSearchParams(filterOnly);
  if (hiddenToggle.get('hidden') === 'show') hiddenToggle.delete('hidden');
  else hiddenToggle.set('hidden', 'show');
  hiddenToggle.delete('offset');

  setView(
    `${type} ${day}`,
    h('h1', {}, `Suspicious ${type} events, ${day}`),
    h(
      'p',
      {},
      link(withParams(`${base}/export.csv`, filterOnly).replace(/^/, '/api'), 'export CSV'),
      ' · ',
      link(withParams(`${base}/export.json`, filterOnly).replace(/^/, '/api'), 'export JSON'),
      ' · ',
      link(`${base}/moved`, 'what moved at the last re-score'),
      type === 'flow' ? [' · ', link(`${base}/network`, 'network view')] : null,
    ),
    h('div', { class: 'row' }, hist.scoring === 'robust' ? robustScoresCard() : histogramCard(hist), rescoreCard(base)),
    filterForm(base, type, params, page.columns),
    h(
      'p',
      { id: 'counts' },
      `${fmtCount(page.total)} events`,
      page.hidden > 0 || params.get('hidden') === 'show'
        ? [` · ${fmtCount(page.hidden)} hidden by the allow-list — `, link(withParams(base, hiddenToggle), params.get('hidden') === 'show' ? 'hide them' : 'show them')]
        : null,
    ),
    pager(base, filterOnly, page),
    eventsTable(base, type, page),
    pager(base, filterOnly, page),
  );
}

function histogramCard(hist: { distribution: never; threshold: number | null; reportedMax: number | null }): HTMLElement {
  return h(
    'div',
    { class: 'card grow' },
    h('h2', {}, 'log10(score) of every event scored that day'),
    hist.distribution ? scoreHistogram(hist.distribution, hist.threshold, hist.reportedMax) : h('p', { class: 'muted' }, 'this run has no score distribution (made before spot-ml wrote one)'),
  );
}

/** Robust scores need no histogram: each is the share of the day's events at least as suspicious. */
function robustScoresCard(): HTMLElement {
  return h(
    'div',
    { class: 'card grow', id: 'robust-scores' },
    h('h2', {}, 'Robust scores'),
    h('p', {}, "This day was scored in the robust mode: an event's score is the share of the day's events at least as suspicious, so 100 × score is its percentile. Explain an event to see the parts of its surprise."),
  );
}

function filterForm(base: string, type: string, params: URLSearchParams, columns: string[]): HTMLElement {
  const input = (name: string, label: string, attrs: Record<string, string> = {}) =>
    h('label', {}, label, h('input', { name, value: params.get(name) ?? '', ...attrs }));
  const select = (name: string, label: string, options: [string, string][]) =>
    h(
      'label',
      {},
      label,
      h('select', { name }, ...options.map(([v, t]) => h('option', { value: v, selected: (params.get(name) ?? '') === v }, t))),
    );
  return h(
    'form',
    { class: 'filters card', method: 'get', action: base, id: 'filters' },
    input('q', type === 'flow' ? 'IP contains' : type === 'dns' ? 'IP or name contains' : 'IP, host or URI contains', { size: '24' }),
    ...params.getAll('ip').map((ip) => h('input', { type: 'hidden', name: 'ip', value: ip })),
    type !== 'dns' ? input('port', 'port', { size: '6', inputmode: 'numeric' }) : null,
    type === 'flow' ? input('proto', 'protocol', { size: '6' }) : type === 'proxy' ? input('proto', 'method', { size: '7' }) : null,
    input('min', 'score ≥', { size: '9' }),
    input('max', 'score ≤', { size: '9' }),
    select('rated', 'rated', [['', 'any'], ['rated', 'rated'], ['unrated', 'not rated'], ['high', 'high risk'], ['medium', 'medium risk'], ['low', 'low risk']]),
    select('sort', 'sort by', [['', 'rank (score)'], ...columns.filter((c) => c !== 'score').map((c): [string, string] => [c, c])]),
    select('dir', 'order', [['', 'ascending'], ['desc', 'descending']]),
    select('limit', 'per page', [['', '50'], ['100', '100'], ['250', '250'], ['1000', '1000']]),
    params.get('hidden') === 'show' ? h('input', { type: 'hidden', name: 'hidden', value: 'show' }) : null,
    h('button', { type: 'submit', class: 'primary' }, 'filter'),
    link(base, 'clear'),
  );
}

function pager(base: string, filters: URLSearchParams, page: EventsPage): HTMLElement {
  const at = (offset: number) => {
    const p = new URLSearchParams(filters);
    if (offset > 0) p.set('offset', String(offset));
    return withParams(base, p);
  };
  const first = page.total === 0 ? 0 : page.offset + 1;
  const last = Math.min(page.offset + page.limit, page.total);
  return h(
    'div',
    { class: 'pager' },
    page.offset > 0 ? link(at(Math.max(0, page.offset - page.limit)), '← previous', ) : h('span', { class: 'muted' }, '← previous'),
    h('span', {}, `${fmtCount(first)}–${fmtCount(last)} of ${fmtCount(page.total)}`),
    last < page.total ? link(at(page.offset + page.limit), 'next →') : h('span', { class: 'muted' }, 'next →'),
  );
}

export function eventsTable(base: string, type: string, page: { rows: EventRow[] }): HTMLElement {
  const labels = page.rows[0]?.labelled.map((l) => l.label) ?? [];
  return h(
    'table',
    { id: 'events', 'data-type': type },
    h('thead', {}, h('tr', {}, h('th', { class: 'num' }, 'rank'), ...labels.map((l) => h('th', {}, l)), h('th', { class: 'num' }, 'score'), h('th', { class: 'num' }, 'percentile'), h('th', {}, 'risk rating'), h('th', {}, ''))),
    h(
      'tbody',
      {},
      page.rows.length === 0 ? h('tr', {}, h('td', { colspan: labels.length + 5, class: 'muted' }, 'no events match')) : null,
      ...page.rows.map((r) => {
        const tr = h(
          'tr',
          { class: `${r.rating ? `rated-${r.rating}` : ''}${r.allowlisted ? ' hidden-row' : ''}`, 'data-rank': r.rank },
          h('td', { class: 'num' }, link(`${base}/events/${r.rank}`, String(r.rank))),
          ...r.labelled.map((l) => h('td', { class: LONG_FIELDS.has(l.label) ? 'wrap' : 'nowrap' }, l.value)),
          h('td', { class: 'num' }, fmtScore(r.score)),
          h('td', { class: 'num' }, fmtPct(r.percentile)),
          h('td', {}, ratingButtons(base, r.rank, r.rating, (v) => (tr.className = `rated-${v}`))),
          h('td', {}, link(`${base}/events/${r.rank}`, 'explain')),
        );
        return tr;
      }),
    ),
  );
}

/** The re-score button and its live progress. */
function rescoreCard(base: string): HTMLElement {
  const log = h('pre', { class: 'log', id: 'rescore-log', hidden: true });
  const status = h('p', { id: 'rescore-status', class: 'muted' }, 'Runs the day again with its ratings and its recorded settings; the previous run stays in the history.');
  const button = h('button', { type: 'button', class: 'primary', id: 'rescore' }, 're-score with the ratings');
  button.addEventListener('click', async () => {
    button.disabled = true;
    log.hidden = false;
    try {
      const job = await post<Job>(`/api${base}/rescore`, {});
      status.textContent = 're-scoring…';
      for (;;) {
        await new Promise((r) => setTimeout(r, 500));
        const now = await get<Job>(`/api/jobs/${job.id}`);
        log.textContent = now.lines.slice(-30).join('\n');
        log.scrollTop = log.scrollHeight;
        if (now.state !== 'running') {
          status.replaceChildren(
            now.state === 'done' ? 're-scored. ' : h('span', { class: 'error' }, `re-score failed (exit ${now.exitCode}). `),
            now.state === 'done' ? link(`${base}/moved`, 'see what moved') : '',
            now.state === 'done' ? ' · ' : '',
            now.state === 'done' ? link(base, 'reload the events') : '',
          );
          status.setAttribute('data-state', now.state);
          break;
        }
      }
    } catch (err) {
      status.replaceChildren(h('span', { class: 'error' }, (err as Error).message));
      status.setAttribute('data-state', 'failed');
    } finally {
      button.disabled = false;
    }
  });
  return h('div', { class: 'card', style: 'flex: 0 1 380px' }, h('h2', {}, 'Re-score'), status, button, log);
}
