import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { SpotError } from '../common/errors.js';
import type { SourceTool } from './format.js';

/** The first bytes of a file. */
export async function fileHead(path: string, bytes = 16): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(bytes), 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** True when the file starts with gzip's magic bytes (read as is, whatever its name). */
export async function isGzip(path: string): Promise<boolean> {
  const head = await fileHead(path, 2);
  return head.length === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Unpacks a gzip file into the folder; returns the plain copy's path. */
export async function gunzipInto(path: string, folder: string): Promise<string> {
  const to = join(folder, `unpacked-${basename(path).replace(/\.gz$/, '')}`);
  await pipeline(createReadStream(path), createGunzip(), createWriteStream(to)).catch((err: Error) => {
    throw new SpotError(`cannot unpack ${path}: ${err.message}`);
  });
  return to;
}

/** A text file's lines (gunzipped when it is gzip), in batches, without the line ends. */
export async function* textFileLines(path: string): AsyncGenerator<string[]> {
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream: Readable = (await isGzip(path)) ? raw.pipe(createGunzip()).on('error', () => {}) : raw;
  if (stream !== raw) raw.on('error', (err) => stream.destroy(err));
  try {
    yield* lineBatches(stream);
  } catch (err) {
    throw new SpotError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

/** The lines a program prints for a binary source (tshark for a pcap, nfdump for an nfcapd file). */
export async function* toolLines(path: string, tool: SourceTool, status: { error?: string }): AsyncGenerator<string[]> {
  const child = spawn(tool.command, tool.args, { env: { ...process.env, ...tool.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    if (stderr.length < 4000) stderr += s;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  try {
    let lines = 0;
    for await (const batch of lineBatches(child.stdout)) {
      lines += batch.length;
      yield batch;
    }
    const code = await exited;
    if (code !== 0) {
      const why = `${tool.command} (exit ${code}): ${stderr.split('\n').filter((l) => l.trim() && !/Running as user "root"/.test(l)).slice(0, 3).join(' / ') || 'no message'}`;
      // A capture cut short still gives the packets before the cut: they are kept, the cut is reported.
      if (lines > 1) status.error = why;
      else throw new SpotError(`${tool.command} could not read ${path}: ${why}`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SpotError(`${tool.command} is needed to read ${path} but is not installed (Debian package ${tool.debianPackage})`);
    }
    throw err;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}

async function* lineBatches(stream: Readable): AsyncGenerator<string[]> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of stream) {
    const text = rest + decoder.write(chunk as Buffer);
    const lines = text.split('\n');
    rest = lines.pop()!;
    yield trimCr(lines);
  }
  rest += decoder.end();
  if (rest !== '') yield trimCr([rest]);
}

function trimCr(lines: string[]): string[] {
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  return lines;
}
