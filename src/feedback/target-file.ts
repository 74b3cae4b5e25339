import { lstat, readlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SpotError } from '../common/errors.js';
import { printable } from '../common/display.js';

/** As many symbolic links as the kernel follows before it reports a loop (Linux MAXSYMLINKS). */
const MAX_LINKS = 40;

/**
 * The regular file a feedback path names, symbolic links followed (at most 40, so a loop ends). A path
 * that does not exist is returned as it is (the file will be created); a link to nothing, a loop, or
 * something that is not a regular file is refused with a clear message.
 */
export async function feedbackTarget(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    const info = await lstat(current).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw new SpotError(`cannot use the feedback file ${printable(path)}: ${printable(err.message)}`);
    });
    if (!info) {
      if (hops === 0) return current;
      throw new SpotError(
        `the feedback file ${printable(path)} is a symbolic link to ${printable(current)}, which does not exist; ` +
          `create that file or give the path of the real file`,
      );
    }
    if (info.isSymbolicLink()) {
      current = resolve(dirname(current), await readlink(current));
      continue;
    }
    if (!info.isFile()) throw new SpotError(`the feedback file ${printable(path)} is not a regular file`);
    return current;
  }
  throw new SpotError(`the feedback file ${printable(path)}: more than ${MAX_LINKS} symbolic links (a loop?)`);
}
