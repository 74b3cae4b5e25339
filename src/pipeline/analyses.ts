import { SpotError } from '../common/errors.js';
import { flowAnalysis } from '../flow/analysis.js';
import { dnsAnalysis } from '../dns/analysis.js';
import { proxyAnalysis } from '../proxy/analysis.js';
import type { Analysis, AnalysisType } from './analysis.js';

const analyses: Partial<Record<AnalysisType, Analysis>> = {
  flow: flowAnalysis,
  dns: dnsAnalysis,
  proxy: proxyAnalysis,
};

export function analysisFor(type: string): Analysis {
  const found = analyses[type as AnalysisType];
  if (!found) throw new SpotError(`unknown analysis "${type}": expected one of ${Object.keys(analyses).join(', ')}`);
  return found;
}
