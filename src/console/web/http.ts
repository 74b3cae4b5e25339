/** The console API: GETs, and POSTs carrying the page's token. */
const token = () => document.querySelector<HTMLMetaElement>('meta[name="spot-token"]')?.content ?? '';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function parse<T>(res: Response): Promise<T> {
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new HttpError(res.status, (body as { error?: string }).error ?? `HTTP ${res.status}`);
  return body as T;
}

export async function get<T>(url: string): Promise<T> {
  return parse<T>(await fetch(url, { headers: { Accept: 'application/json' } }));
}

export async function post<T>(url: string, body: unknown): Promise<T> {
  return parse<T>(
    await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Spot-Token': token() }, body: JSON.stringify(body) }),
  );
}
