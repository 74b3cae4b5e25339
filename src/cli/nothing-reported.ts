import type { RunSummary } from '../pipeline/run.js';
import { formatNumber } from './settings.js';

/** The closing line of a run that reported no event: the day's lowest score and settings that would report some. */
export function nothingReportedLine(s: RunSummary): string {
  const hint = s.whenNothingReported;
  if (!hint) return 'nothing reported: no event was scored';
  const threshold = s.settings?.threshold?.value;
  const given = typeof threshold === 'number' ? ` (threshold ${formatNumber(threshold)})` : '';
  const suggested = formatNumber(hint.threshold);
  return (
    `nothing reported: no event scored within the threshold${given}; the day's lowest score is ${formatNumber(Number(hint.lowestScore.toPrecision(3)))}. ` +
    `--threshold ${suggested} reports at least ${hint.events} events ` +
    `(--threshold ${suggested} --maxresults ${hint.events}: the ${hint.events} least probable)`
  );
}
