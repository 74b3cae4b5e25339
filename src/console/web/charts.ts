import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip, type Plugin } from 'chart.js';
import { h } from './dom.js';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

interface Distribution { binsPerDecade: number; bins: [number, number][]; zero: number; slots: number; slotsPerEvent: number }

/** A vertical line at category index `at` (fractional), labelled. */
function markerPlugin(at: number, label: string): Plugin<'bar'> {
  return {
    id: 'threshold',
    afterDatasetsDraw(chart) {
      const x = chart.scales.x;
      const y = chart.scales.y;
      const left = x.getPixelForValue(Math.floor(at)) + (at - Math.floor(at)) * (x.getPixelForValue(1) - x.getPixelForValue(0));
      const ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = '#b42318';
      ctx.lineWidth = 2;
      ctx.setLineDash([5, 3]);
      ctx.beginPath();
      ctx.moveTo(left, y.top);
      ctx.lineTo(left, y.bottom);
      ctx.stroke();
      ctx.fillStyle = '#b42318';
      ctx.font = '12px system-ui';
      const width = ctx.measureText(label).width;
      ctx.fillText(label, left + 4 + width > x.right ? left - 4 - width : left + 4, y.top + 12);
      ctx.restore();
    },
  };
}

/** Histogram of log10(score) of every scored event slot of the day, with the threshold (or the reporting cut-off) marked. */
export function scoreHistogram(dist: Distribution, threshold: number | null, reportedMax: number | null): HTMLElement {
  const canvas = h('canvas', { 'aria-label': 'histogram of log10(score)', role: 'img' });
  const box = h('div', { class: 'chart' }, canvas);
  const bins = dist.bins;
  if (bins.length === 0) return h('p', { class: 'muted' }, 'no scores');
  const first = bins[0][0];
  const last = bins[bins.length - 1][0];
  const counts = new Map(bins);
  const labels: string[] = [];
  const data: number[] = [];
  for (let b = first; b <= last; b++) {
    labels.push((b / dist.binsPerDecade).toFixed(1));
    data.push(counts.get(b) ?? 0);
  }
  const mark = threshold !== null && threshold > 0 ? threshold : reportedMax;
  const markLabel = threshold !== null && threshold > 0 ? `threshold ${threshold.toExponential(1)}` : `results reach ${reportedMax?.toExponential(2)}`;
  const plugins = mark ? [markerPlugin(Math.log10(mark) * dist.binsPerDecade - first, markLabel)] : [];
  new Chart(canvas, {
    type: 'bar',
    data: { labels, datasets: [{ label: 'event slots', data, backgroundColor: '#5b8def', barPercentage: 1, categoryPercentage: 1 }] },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { x: { title: { display: true, text: 'log10(score)' } }, y: { title: { display: true, text: dist.slotsPerEvent > 1 ? 'event sides' : 'events' } } },
    },
    plugins,
  });
  return box;
}

/** An IP's topic mix θ as bars. */
export function thetaChart(theta: number[], highlight: number[] = []): HTMLElement {
  const canvas = h('canvas', { 'aria-label': 'topic mix', role: 'img' });
  const box = h('div', { class: 'chart' }, canvas);
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: theta.map((_, i) => `t${i}`),
      datasets: [{ label: 'θ', data: theta, backgroundColor: theta.map((_, i) => (highlight.includes(i) ? '#e8833a' : '#5b8def')) }],
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 1, title: { display: true, text: 'P(topic | IP)' } } } },
  });
  return box;
}
