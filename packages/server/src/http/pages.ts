// The web pages (web/): the three HTML routes and the bundled assets, read from web/dist/public
// (built by `npm run build`). Streams files from disk with fastify's own reply; no extra plugin.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Events } from '../events/events.js';
import type { OriginPolicy } from '../util/origins.js';

/** Where `web/build.mjs` puts the pages: `<repo>/web/dist/public` (this file is in packages/server/dist/src/http). */
export const WEB_DIR = fileURLToPath(new URL('../../../../../web/dist/public/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/**
 * The pages' Content-Security-Policy: own scripts and styles only, so even a rendering mistake
 * could not run a script smuggled into a comment.
 */
function cspBase(emoteHosts: readonly string[]): string {
  // Emote pictures may come from the hosts the operator allows (LC_EMOTE_HOSTS, checked host names).
  const images = ["'self'", 'data:', ...emoteHosts.map((h) => `https://${h}`)].join(' ');
  return (
    `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src ${images}; ` +
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'self'"
  );
}

/** What the pages read of the node: the event's and the node's allowed origins for the embed page. */
export interface PageServices {
  origins: Pick<OriginPolicy, 'nodeOrigins'>;
  /** Hosts of emote pictures, allowed as image sources. */
  config: { emoteHosts: readonly string[] };
  events: Pick<Events, 'get'>;
}

/** The embed page's id segment: the bounds of an event id (transports/schemas.ts). */
const EVENT_ID = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * `/`, `/e/:eventId`, `/e/:eventId/mod`, the embeddable `/embed/:eventId` (framed only by the
 * allowed origins), the widget script `/embed.js` and `/assets/*`.
 */
export function pageRoutes(app: FastifyInstance, s: PageServices, dir: string = WEB_DIR): void {
  const CSP_BASE = cspBase(s.config.emoteHosts);
  const CSP = `${CSP_BASE}; frame-ancestors 'none'`;
  app.get('/', function home(_request, reply) {
    return sendFile(reply, dir, 'index.html', CSP);
  });
  app.get('/e/:eventId', function viewerPage(_request, reply) {
    return sendFile(reply, dir, 'event.html', CSP);
  });
  app.get('/e/:eventId/mod', function moderatorPage(_request, reply) {
    return sendFile(reply, dir, 'mod.html', CSP);
  });
  app.get<{ Params: { eventId: string } }>('/embed/:eventId', async function embedPage(request, reply) {
    const ancestors = await frameAncestors(s, request.params.eventId);
    return sendFile(reply, dir, 'embed.html', `${CSP_BASE}; frame-ancestors ${ancestors}`);
  });
  app.get('/embed.js', function widgetScript(_request, reply) {
    // Loaded by `<script src>` from any page; it only frames /embed/:eventId, which says who may.
    return sendFile(reply, dir, join('assets', 'embed.js'), CSP);
  });
  app.get<{ Params: { '*': string } }>('/assets/*', function asset(request, reply) {
    return sendFile(reply, dir, join('assets', request.params['*']), CSP);
  });
}

/**
 * `frame-ancestors` of an event's embed page: the node's own origin, the node's list and the
 * event's (an unknown event: the node's only; the page then says it does not exist).
 */
async function frameAncestors(s: PageServices, eventId: string): Promise<string> {
  let eventOrigins: readonly string[] = [];
  if (EVENT_ID.test(eventId)) {
    try {
      eventOrigins = (await s.events.get(eventId)).settings.embed?.allowedOrigins ?? [];
    } catch {
      // Not found or the store is away: the node's list alone.
    }
  }
  // Each origin matched the settings' pattern (no space, quote or semicolon to break the policy).
  return ["'self'", ...new Set([...s.origins.nodeOrigins, ...eventOrigins])].join(' ');
}

/** Streams one file of `dir`, with an ETag; 404 for anything outside it or missing. */
async function sendFile(reply: FastifyReply, dir: string, rel: string, csp: string): Promise<FastifyReply> {
  const path = normalize(join(dir, rel));
  if (!path.startsWith(normalize(dir + sep)) || rel.includes('\0')) return notFound(reply);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
    if (!info.isFile()) return notFound(reply);
  } catch {
    if (rel.endsWith('.html')) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web pages are not built yet: run `npm run build`.');
    }
    return notFound(reply);
  }
  const etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
  reply.header('etag', etag);
  // Names are not hashed: revalidate each time (a 304 is cheap).
  reply.header('cache-control', 'no-cache');
  reply.header('x-content-type-options', 'nosniff');
  if (rel.endsWith('.html')) {
    reply.header('content-security-policy', csp);
    reply.header('referrer-policy', 'same-origin');
  }
  if (reply.request.headers['if-none-match'] === etag) return reply.code(304).send();
  reply.type(TYPES[extname(path)] ?? 'application/octet-stream');
  reply.header('content-length', info.size);
  return reply.send(createReadStream(path));
}

function notFound(reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ error: { code: 'not_found', message: 'No such page' } });
}
