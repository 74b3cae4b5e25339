/**
 * Fixed work partitions. Every reduction is over BLOCKS partial buffers summed in block order, and
 * the blocks depend only on the data, never on the thread count: that is what makes results
 * bitwise identical for any number of threads. Two blocks keep the partial buffers (words × K
 * each) affordable; threads beyond BLOCKS would have nothing to do.
 */
export const BLOCKS = 2;

/** Splits documents [0, numDocs) into BLOCKS contiguous ranges of about equal nnz; returns BLOCKS + 1 bounds. */
export function docBlocks(docStart: Int32Array, numDocs: number): number[] {
  const nnz = docStart[numDocs];
  const bounds = [0];
  let d = 0;
  for (let b = 1; b < BLOCKS; b++) {
    const target = (nnz * b) / BLOCKS;
    while (d < numDocs && docStart[d] < target) d++;
    bounds.push(Math.max(d, bounds[b - 1]));
  }
  bounds.push(numDocs);
  return bounds;
}

/** Splits [from, to) into BLOCKS contiguous ranges of about equal length; returns BLOCKS + 1 bounds. */
export function evenBlocks(from: number, to: number): number[] {
  const bounds: number[] = [];
  for (let b = 0; b <= BLOCKS; b++) bounds.push(from + Math.floor(((to - from) * b) / BLOCKS));
  return bounds;
}
