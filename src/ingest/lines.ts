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
    throw new SpotError(`cannot unpack ${path}: ${(err as Error).message}`);
  });
  return to;
}

/** What a text file's first lines look like: up to `max` lines (without line ends), and whether its lines end in CRLF. */
export interface TextHead {
  lines: string[];
  crlf: boolean;
  gzip: boolean;
}

/** Reads only the first lines of a text file (gunzipped when it is gzip), for its header. */
export async function textHead(path: string, max: number): Promise<TextHead> {
  const gzip = await isGzip(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 16 });
  const stream: Readable = gzip ? raw.pipe(createGunzip()) : raw;
  const decoder = new StringDecoder('utf8');
  let text = '';
  try {
    for await (const chunk of stream) {
      text += decoder.write(chunk as Buffer);
      if (text.split('\n', max + 1).length > max) break;
    }
  } catch (err) {
    throw new SpotError(`cannot read ${path}: ${(err as Error).message}`);
  } finally {
    raw.destroy();
    stream.destroy();
  }
  const lines = text.split('\n', max + 1);
  if (lines.length > max || lines[lines.length - 1] === '') lines.pop();
  const crlf = lines.length > 0 && lines[0].endsWith('\r');
  return { lines: lines.slice(0, max).map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)), crlf, gzip };
}

/**
 * Runs the program that turns a binary source into text (tshark for a pcap, nfdump for an nfcapd file),
 * its output written to `to`. Returns why it failed when it failed after printing some lines (a capture
 * cut short still gives the packets before the cut: they are kept, the cut is reported); throws when it
 * printed nothing useful or is not installed.
 */
export async function toolOutput(path: string, tool: SourceTool, to: string): Promise<string | undefined> {
  const child = spawn(tool.command, tool.args, { env: { ...process.env, ...tool.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    if (stderr.length < 4000) stderr += s;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  let newlines = 0;
  child.stdout.on('data', (b: Buffer) => {
    if (newlines < 2) for (const byte of b) if (byte === 10) newlines++;
  });
  try {
    await pipeline(child.stdout, createWriteStream(to));
    const code = await exited;
    if (code === 0) return undefined;
    const why = `${tool.command} (exit ${code}): ${stderr.split('\n').filter((l) => l.trim() && !/Running as user "root"/.test(l)).slice(0, 3).join(' / ') || 'no message'}`;
    if (newlines > 1) return why;
    throw new SpotError(`${tool.command} could not read ${path}: ${why}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new SpotError(`${tool.command} is needed to read ${path} but is not installed (Debian package ${tool.debianPackage})`);
    }
    throw err;
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
