import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SpotError } from '../common/errors.js';
import { ApiError } from './api-error.js';
import type { ConsoleApi } from './api.js';

const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
const ASSETS: Record<string, string> = {
  '/assets/app.js': 'text/javascript; charset=utf-8',
  '/assets/app.css': 'text/css; charset=utf-8',
};
const MAX_BODY = 1_000_000;

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export interface ServerOptions {
  host: string;
  port: number;
  /** Required on every request when set (a host other than loopback). */
  accessToken?: string;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The console's HTTP server: the API, the built front end, and the security rules around both. */
export class ConsoleServer {
  /** Sent by the page with every state-changing request (X-Spot-Token), so another site cannot forge one. */
  readonly csrfToken = randomBytes(24).toString('base64url');
  private server?: Server;
  private indexHtml?: string;
  url = '';

  constructor(
    readonly api: ConsoleApi,
    readonly options: ServerOptions,
  ) {}

  async listen(): Promise<string> {
    this.indexHtml = (await readFile(join(WEB_DIR, 'index.html'), 'utf8')).replace('{{CSRF}}', this.csrfToken);
    const server = createServer((req, res) => {
      this.serve(req, res).catch((err) => sendError(res, err));
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new SpotError(`cannot listen on ${this.options.host}:${this.options.port}: ${err.code === 'EADDRINUSE' ? 'the port is in use (choose another with --port)' : err.message}`)),
      );
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    this.url = `http://${host}:${port}/`;
    return this.url;
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.api.rescorer.stopAll();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await this.api.idle();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    if (!this.hostAllowed(req)) throw new ApiError(403, 'this console answers only to its own address (Host header refused)');
    if (this.options.accessToken && !this.authorised(req, url, res)) return;
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/api/')) {
      let body: unknown;
      if (method === 'POST') {
        this.checkStateChange(req);
        body = await readJson(req);
      } else if (method !== 'GET') {
        throw new ApiError(405, `${method} is not allowed`);
      }
      const out = await this.api.handle(method, url.pathname.slice(4), url.searchParams, body);
      res.setHeader('Cache-Control', 'no-store');
      if (out.file) {
        const { path, type, name, cleanup } = out.file;
        res.writeHead(out.status, { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"` });
        const stream = createReadStream(path);
        stream.pipe(res);
        await new Promise<void>((resolve) => stream.on('close', () => resolve()));
        await cleanup();
        return;
      }
      sendJson(res, out.status, out.json);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') throw new ApiError(405, `${method} is not allowed here`);
    const asset = ASSETS[url.pathname];
    if (asset) {
      const data = await readFile(join(WEB_DIR, url.pathname.slice('/assets/'.length)));
      res.writeHead(200, { 'Content-Type': asset, 'Cache-Control': 'no-cache' });
      res.end(data);
      return;
    }
    if (url.pathname.startsWith('/assets/') || url.pathname === '/favicon.ico') throw new ApiError(404, 'no such file');
    // Every view's URL serves the page; the page reads its path and parameters.
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(this.indexHtml);
  }

  /** Loopback consoles answer only to loopback names (a page of another site cannot reach them by DNS rebinding). */
  private hostAllowed(req: IncomingMessage): boolean {
    if (!isLoopback(this.options.host)) return true;
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    return isLoopback(host);
  }

  /** The access token from the Authorization header, the cookie, or `?token=` (which sets the cookie). */
  private authorised(req: IncomingMessage, url: URL, res: ServerResponse): boolean {
    const token = this.options.accessToken!;
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const cookie = /(?:^|;\s*)spot_console=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const given = url.searchParams.get('token');
    if (same(bearer, token) || same(cookie, token)) return true;
    if (same(given ?? undefined, token)) {
      url.searchParams.delete('token');
      res.writeHead(303, {
        Location: url.pathname + (url.search || ''),
        'Set-Cookie': `spot_console=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
      res.end();
      return false;
    }
    throw new ApiError(401, 'an access token is required: open the URL spot-ml serve printed (with ?token=...)');
  }

  /** A state-changing request must come from this console's own page: same origin, with its token, as JSON. */
  private checkStateChange(req: IncomingMessage): void {
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') throw new ApiError(403, 'cross-site requests may not change anything');
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) throw new ApiError(403, `requests from ${origin.slice(0, 80)} may not change anything`);
    const token = req.headers['x-spot-token'];
    if (typeof token !== 'string' || !same(token, this.csrfToken)) throw new ApiError(403, "missing or wrong X-Spot-Token (the console page's token)");
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new ApiError(415, 'send JSON (Content-Type: application/json)');
  }
}

function same(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new ApiError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, 'the request body is not JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, err: unknown): void {
  const status = err instanceof ApiError ? err.status : err instanceof SpotError ? 400 : 500;
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  if (status === 500) process.stderr.write(`spot-ml serve: ${message}\n`);
  if (res.headersSent) {
    res.end();
    return;
  }
  res.setHeader('Cache-Control', 'no-store');
  sendJson(res, status, { error: message });
}
