import cytoscape from 'cytoscape';
import { crumbs, h, link, path, setView, withParams } from './dom.js';
import { get } from './http.js';

interface Network { top: number; nodes: { id: string; internal: boolean; events: number; bestRank: number }[]; edges: { source: string; target: string; score: number; rank: number; events: number }[]; internal: string }

/** The day's top suspicious connections as a graph; internal and external addresses told apart; a node opens its IP view. */
export async function networkView(day: string, type: string, params: URLSearchParams): Promise<void> {
  const base = path('days', day, type);
  crumbs([`${type} ${day}`, base], ['network', undefined]);
  const top = params.get('top') ?? '100';
  const n = await get<Network>(`/api${base}/network?top=${encodeURIComponent(top)}`);
  const graph = h('div', { id: 'graph' });
  setView(
    `network ${type} ${day}`,
    h('h1', {}, `Top ${n.top} suspicious connections, ${day}`),
    h(
      'p',
      { class: 'legend' },
      h('span', {}, h('i', { class: 'dot', style: 'background:#1f5fbf' }), `internal (${n.internal})`),
      h('span', {}, h('i', { class: 'dot', style: 'background:#e8833a' }), 'external'),
      h('span', {}, 'thicker, redder link: lower score. Click a node for its IP view. '),
      ...['50', '100', '250', '500'].map((t) => [' ', link(withParams(`${base}/network`, new URLSearchParams([['top', t]])), `top ${t}`)]),
    ),
    graph,
  );
  const scores = n.edges.map((e) => -Math.log10(Math.max(e.score, 1e-300)));
  const lo = Math.min(...scores);
  const hi = Math.max(...scores);
  const strength = (s: number) => (hi > lo ? (-Math.log10(Math.max(s, 1e-300)) - lo) / (hi - lo) : 1);
  const cy = cytoscape({
    container: graph,
    elements: [
      ...n.nodes.map((x) => ({ data: { id: x.id, label: x.id, internal: x.internal ? 1 : 0 } })),
      ...n.edges.map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target, w: strength(e.score) } })),
    ],
    style: [
      { selector: 'node', style: { label: 'data(label)', 'font-size': 9, width: 14, height: 14, 'background-color': '#e8833a', color: '#1d2330' } },
      { selector: 'node[internal = 1]', style: { 'background-color': '#1f5fbf', shape: 'round-rectangle' } },
      { selector: 'edge', style: { width: 'mapData(w, 0, 1, 1, 6)', 'line-color': 'mapData(w, 0, 1, #9aa5b1, #b42318)', 'curve-style': 'bezier', 'target-arrow-shape': 'triangle', 'target-arrow-color': 'mapData(w, 0, 1, #9aa5b1, #b42318)', 'arrow-scale': 0.6 } },
    ],
    layout: { name: 'cose', animate: false, randomize: false, nodeRepulsion: () => 8000 },
  });
  cy.on('tap', 'node', (evt) => {
    window.location.href = `${base}/ips/${encodeURIComponent(evt.target.id())}`;
  });
  (window as unknown as { spotGraph: unknown }).spotGraph = cy;
}
