// Embedding: who may call the API (CORS), stream (SSE, WebSocket Origin) and frame the embed page,
// from the node's LC_ALLOWED_ORIGINS and the event's `embed.allowedOrigins`, over real sockets.
import assert from 'node:assert/strict';
import { type IncomingHttpHeaders, request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { api, createEvent, devToken, startNode, type TestNode } from './support.js';

const NODE_WIDE = 'https://node-wide.example';
const SHOP = 'https://shop.example';
const EVIL = 'https://evil.example';

/** A raw HTTP exchange (fetch would set its own Origin); the body is read unless `head`. */
function raw(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  head = false,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      if (head) {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
        res.destroy();
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Whether a WebSocket with this Origin (none: undefined) opens, or the status it was refused with. */
function wsOutcome(base: string, eventId: string, origin?: string): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/events/${eventId}/ws`, origin ? { origin } : {});
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.destroy();
    });
    ws.once('error', reject);
  });
}

describe('embedding: allowed origins', () => {
  let node: TestNode;
  let eventId: string;
  let otherEvent: string;
  let token: string;

  before(async () => {
    node = await startNode({ allowedOrigins: [NODE_WIDE] });
    token = (await devToken(node.url, 'owner')).token;
    eventId = await createEvent(node.url, token, { embed: { allowedOrigins: [SHOP] } });
    otherEvent = await createEvent(node.url, token);
  });
  after(() => node.stop());

  test('a preflight from an allowed origin is answered: the Origin echoed, headers, methods, max age', async () => {
    const res = await raw(node.url, 'OPTIONS', `/v1/events/${eventId}/comments`, {
      origin: SHOP,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], SHOP);
    assert.match(String(res.headers.vary), /Origin/);
    assert.match(String(res.headers['access-control-allow-headers']), /Authorization/);
    assert.match(String(res.headers['access-control-allow-headers']), /Content-Type/);
    assert.match(String(res.headers['access-control-allow-headers']), /Idempotency-Key/);
    assert.match(String(res.headers['access-control-allow-methods']), /POST/);
    assert.ok(Number(res.headers['access-control-max-age']) > 0);
    assert.equal(res.headers['access-control-allow-credentials'], undefined, 'no cookies: no credentials');
  });

  test('per-event routes take the event’s list and the node’s; other routes the node’s only', async () => {
    const preflight = (path: string, origin: string) =>
      raw(node.url, 'OPTIONS', path, { origin, 'access-control-request-method': 'POST' });
    assert.equal((await preflight(`/v1/events/${eventId}/comments`, NODE_WIDE)).status, 204);
    const refused = await preflight(`/v1/events/${eventId}/comments`, EVIL);
    assert.equal(refused.status, 403);
    assert.equal(JSON.parse(refused.body).error.code, 'forbidden');
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
    assert.equal((await preflight(`/v1/events/${otherEvent}/comments`, SHOP)).status, 403, 'another event');
    assert.equal((await preflight('/v1/events', SHOP)).status, 403, 'not an event route');
    assert.equal((await preflight('/v1/events', NODE_WIDE)).status, 204);

    const read = (origin: string) => raw(node.url, 'GET', `/v1/events/${eventId}/comments`, { origin });
    const allowed = await read(SHOP);
    assert.equal(allowed.status, 200);
    assert.equal(allowed.headers['access-control-allow-origin'], SHOP);
    const foreign = await read(EVIL);
    assert.equal(foreign.headers['access-control-allow-origin'], undefined, 'the browser will not let it read');
    assert.match(String(foreign.headers.vary), /Origin/);
  });

  test('SSE: the stream carries CORS for an allowed origin; another origin is refused', async () => {
    const ok = await raw(node.url, 'GET', `/v1/events/${eventId}/stream`, { origin: SHOP }, true);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], SHOP);
    assert.match(String(ok.headers.vary), /Origin/);
    const refused = await raw(node.url, 'GET', `/v1/events/${eventId}/stream`, { origin: EVIL });
    assert.equal(refused.status, 403);
    assert.equal(JSON.parse(refused.body).error.code, 'forbidden');
  });

  test('WebSocket: an Origin neither the node’s own nor allowed is refused; no Origin is a non-browser client', async () => {
    assert.equal(await wsOutcome(node.url, eventId), 'open');
    assert.equal(await wsOutcome(node.url, eventId, node.url), 'open', 'the node’s own origin');
    assert.equal(await wsOutcome(node.url, eventId, SHOP), 'open');
    assert.equal(await wsOutcome(node.url, eventId, NODE_WIDE), 'open');
    assert.equal(await wsOutcome(node.url, eventId, EVIL), 403);
    assert.equal(await wsOutcome(node.url, otherEvent, SHOP), 403, 'another event’s list does not count');
  });

  test('the embed page may be framed by the allowed origins only; the other pages by none', async () => {
    const embed = await raw(node.url, 'GET', `/embed/${eventId}`, {});
    const csp = String(embed.headers['content-security-policy']);
    assert.match(csp, new RegExp(`frame-ancestors 'self' ${NODE_WIDE} ${SHOP}(;|$)`));
    const other = String((await raw(node.url, 'GET', `/embed/${otherEvent}`, {})).headers['content-security-policy']);
    assert.match(other, new RegExp(`frame-ancestors 'self' ${NODE_WIDE}(;|$)`));
    const viewer = String((await raw(node.url, 'GET', `/e/${eventId}`, {})).headers['content-security-policy']);
    assert.match(viewer, /frame-ancestors 'none'/);
  });

  test('settings: origins are validated, bounded and written as browsers send them', async () => {
    const patch = (allowedOrigins: unknown) =>
      api(node.url, 'PATCH', `/v1/events/${otherEvent}`, { token, body: { settings: { embed: { allowedOrigins } } } });
    for (const bad of [
      ['*'],
      ['shop.example'],
      ['https://shop.example/'],
      ['https://shop.example; script-src *'],
      ["https://a.example 'unsafe-inline'"],
      ['javascript:alert(1)'],
      Array.from({ length: 51 }, (_, i) => `https://s${i}.example`),
    ]) {
      const res = await patch(bad);
      assert.equal(res.status, 400, JSON.stringify(bad).slice(0, 60));
      assert.equal(res.body.error.code, 'invalid_request');
    }
    const ok = await patch(['https://shop.example:443', 'http://127.0.0.2:8080', 'https://shop.example']);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.settings.embed.allowedOrigins, ['https://shop.example', 'http://127.0.0.2:8080']);
    assert.equal(await wsOutcome(node.url, otherEvent, 'http://127.0.0.2:8080'), 'open', 'in force at once');
  });
});
