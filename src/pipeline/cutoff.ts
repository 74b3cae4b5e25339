/**
 * The score at or below which the reported events lie (SPEC §8: at most maxResults events scoring at most
 * the threshold, lowest first).
 *
 * An event is counted once per slot in the corpus' day counts, and its score is the smallest of its
 * slots' pair scores. So if the lowest-scoring pairs up to a score c count at least slots × N event slots,
 * at least N events score at most c, and the N lowest events all do. The cut-off is the smallest such c
 * (kept by a bounded max-heap over the corpus, no sort), or the threshold when it is lower or when the
 * day has too few events to reach N.
 */
export function lowestCutoff(
  scores: Float64Array,
  dayCounts: Float64Array,
  slotCount: number,
  threshold: number,
  maxResults: number,
): number {
  if (!(maxResults > 0)) return threshold;
  const needed = slotCount * Math.floor(maxResults);
  const heap = new MaxHeap(needed + 1);
  for (let e = 0; e < scores.length; e++) {
    if (dayCounts[e] <= 0 || scores[e] > threshold) continue;
    if (heap.total >= needed && scores[e] >= heap.topScore()) continue;
    heap.push(scores[e], dayCounts[e]);
    while (heap.total - heap.topCount() >= needed) heap.pop();
  }
  return heap.total >= needed ? Math.min(threshold, heap.topScore()) : threshold;
}

/** A max-heap of (score, count) pairs in typed arrays, with the sum of its counts. */
class MaxHeap {
  private readonly scores: Float64Array;
  private readonly counts: Float64Array;
  private size = 0;
  total = 0;

  constructor(capacity: number) {
    this.scores = new Float64Array(capacity);
    this.counts = new Float64Array(capacity);
  }

  topScore(): number {
    return this.scores[0];
  }

  topCount(): number {
    return this.counts[0];
  }

  push(score: number, count: number): void {
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.scores[parent] >= score) break;
      this.scores[i] = this.scores[parent];
      this.counts[i] = this.counts[parent];
      i = parent;
    }
    this.scores[i] = score;
    this.counts[i] = count;
    this.total += count;
  }

  pop(): void {
    this.total -= this.counts[0];
    const last = --this.size;
    const score = this.scores[last];
    const count = this.counts[last];
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.scores[child + 1] > this.scores[child]) child++;
      if (this.scores[child] <= score) break;
      this.scores[i] = this.scores[child];
      this.counts[i] = this.counts[child];
      i = child;
    }
    this.scores[i] = score;
    this.counts[i] = count;
  }
}
