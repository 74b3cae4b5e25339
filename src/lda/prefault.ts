/**
 * First touches of fresh shared memory, done ahead by a thread that would otherwise wait. A fresh page costs
 * about 4 ms of CPU per MiB on the VMs this runs on (the kernel zeroes and maps it at the first write), which
 * was most of the em fit's setup, initialisation and θ copy; writing one word of each page from an idle
 * worker moves that cost off the thread that fills the page next.
 */

/** Bytes [from, to) of a shared buffer whose pages are to be touched. */
export interface PageRange {
  buffer: SharedArrayBuffer;
  from: number;
  to: number;
}

const PAGE = 4096;

/**
 * Writes into one word of every page of each range with an atomic add of 0: the value never changes, so another
 * thread may be filling the same pages at the same time. Each range is touched from its end, so that a thread
 * touching pages another thread fills from the start meets it as late as possible.
 */
export function touchPages(ranges: PageRange[]): void {
  for (const { buffer, from, to } of ranges) {
    if (to <= from) continue;
    const words = new Int32Array(buffer);
    const first = Math.floor(from / PAGE) * PAGE;
    for (let at = Math.floor((to - 1) / PAGE) * PAGE; at >= first; at -= PAGE) Atomics.add(words, Math.max(at, from) >>> 2, 0);
  }
}
