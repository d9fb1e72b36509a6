import http from 'node:http';

/**
 * The benchmark's HTTP side: node's own HTTP client over keep-alive connections, redirects
 * followed by hand so each step is seen, a tiny per-user cookie jar, and hidden-field parsing.
 * Not fetch: the benchmark process shares the machine with the servers it measures, and undici's
 * fetch costs it about twice the CPU per request.
 */

const ENTITIES: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&lt;': '<', '&gt;': '>', '&#39;': "'" };

/** Undoes the HTML escaping of handlebars and of the platform simulator. */
export function decodeHtml(value: string): string {
  return value.replace(
    /&#x([0-9a-f]+);|&#(\d+);|&[a-z]+;/gi,
    (match, hex: string | undefined, dec: string | undefined) => {
      if (hex) return String.fromCharCode(parseInt(hex, 16));
      if (dec) return String.fromCharCode(Number(dec));
      return ENTITIES[match] ?? match;
    },
  );
}

/** The hidden inputs of an auto-submitted form page, and the form's action. */
export function formOf(html: string): { action?: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields[match[1]] = decodeHtml(match[2]);
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  return { action: action === undefined ? undefined : decodeHtml(action), fields };
}

/**
 * One virtual user's cookies, like a browser keeps them for one site: ltijs needs its state
 * cookie between login and launch, and its session cookie on the first page.
 */
export class CookieJar {
  private cookies = new Map<string, string>();

  store(response: Reply): void {
    for (const line of response.headers['set-cookie'] ?? []) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const expired = attributes.some((a) => {
        const [key, value = ''] = a.trim().split('=');
        if (key.toLowerCase() === 'max-age') return Number(value) <= 0;
        if (key.toLowerCase() === 'expires') return Date.parse(value) <= Date.now();
        return false;
      });
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  header(): string | undefined {
    if (!this.cookies.size) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  clear(): void {
    this.cookies.clear();
  }
}

export class StepError extends Error {}

/** A response body in one short line: an HTML page's title, or the start of the text. */
export function gist(body: string): string {
  const title = /<title>([^<]*)<\/title>/i.exec(body)?.[1];
  return (title ? `page "${decodeHtml(title)}"` : body).replace(/\s+/g, ' ').slice(0, 200);
}

/** A form as fields, or as name/value pairs when a name repeats (checkboxes). */
export type Form = Record<string, string> | [string, string][];

type Call = { method: 'GET' | 'POST'; url: string; form?: Form; jar?: CookieJar; expect: number };

/** What the benchmark reads of a response besides its body. */
export type Reply = { status: number; headers: http.IncomingHttpHeaders };

// An idle connection is closed after 3 s, before the server's keep-alive timeout (node's default
// 5 s) closes it: a request sent on a connection the server is closing at that moment fails with
// ECONNRESET ("socket hang up"). Each tool is idle while the other one is measured.
const agent = new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 3_000 });

function request(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
): Promise<{ response: Reply; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent, timeout: 15_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ response: { status: res.statusCode ?? 0, headers: res.headers }, body: text }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 15 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** One request, redirects not followed; throws a StepError when the status is not the expected one. */
export async function call({ method, url, form, jar, expect }: Call): Promise<{ response: Reply; body: string }> {
  const headers: Record<string, string> = {};
  const cookie = jar?.header();
  if (cookie) headers.cookie = cookie;
  const payload = form ? new URLSearchParams(form).toString() : undefined;
  if (payload !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  const { response, body } = await request(method, url, headers, payload);
  jar?.store(response);
  if (response.status !== expect)
    throw new StepError(`${method} ${new URL(url).pathname}: ${response.status} (expected ${expect}) ${gist(body)}`);
  return { response, body };
}

/** The Location of a redirect, made absolute against the request URL. */
export function locationOf(response: Reply, base: string): string {
  const location = response.headers.location;
  if (!location) throw new StepError(`no Location from ${base}`);
  return new URL(location, base).toString();
}
