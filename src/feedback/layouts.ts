import { SpotError } from '../common/errors.js';
import { dnsFeedbackLayout } from '../dns/feedback.js';
import { flowFeedbackLayout } from '../flow/feedback.js';
import { proxyFeedbackLayout } from '../proxy/feedback.js';
import type { FeedbackLayout } from './layout.js';

export const feedbackLayouts: readonly FeedbackLayout[] = [flowFeedbackLayout, dnsFeedbackLayout, proxyFeedbackLayout];

export function feedbackLayoutFor(type: string): FeedbackLayout {
  const layout = feedbackLayouts.find((l) => l.type === type);
  if (!layout) throw new SpotError(`unknown analysis type "${type}": expected flow, dns or proxy`);
  return layout;
}
