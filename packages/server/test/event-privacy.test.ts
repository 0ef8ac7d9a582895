// An event's moderation settings (blocked terms, thresholds, shadow mode) never reach a viewer:
// the raw bytes of every WebSocket frame, SSE stream, long poll and history read are searched,
// after the owner changed them. The blocked term still blocks at once, on the node that made the
// change and on another node of a cluster (Redis + PostgreSQL).
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { type Cluster, signIn, startCluster } from './cluster.js';
import { createTestSchema, TEST_REDIS_URL, type TestSchema } from './services.js';
import { api, createEvent, devToken, startNode, type TestNode, type TestUser } from './support.js';
import { waitFor } from './wait.js';

/** What must never appear in what a viewer receives. */
const PRIVATE = /blockedTerms|alphasecret|betasecret|"moderation"|spamBlock|spamHold|toxicityBlock|toxicityHold|shadow/;

const FIRST = { blockedTerms: ['alphasecret'], moderation: { spamBlock: 0.93, toxicityHold: 0.61, shadow: false } };
const CHANGE = { blockedTerms: ['alphasecret', 'betasecret'], moderation: { toxicityBlock: 0.88 }, slowModeMs: 0 };

/** A viewer on one transport that keeps the raw bytes it receives. */
interface RawViewer {
  readonly name: string;
  text(): string;
  close(): void;
}

/** A WebSocket viewer from seq 0, keeping every frame's bytes. */
function rawWs(base: string, eventId: string): RawViewer {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/events/${eventId}/ws?after=0`);
  let bytes = '';
  ws.on('message', (data) => {
    bytes += `${String(data)}\n`;
  });
  ws.on('error', () => {});
  return { name: `ws ${base}`, text: () => bytes, close: () => ws.terminate() };
}

/** An SSE viewer from seq 0, keeping the stream's bytes. */
function rawSse(base: string, eventId: string): RawViewer {
  let bytes = '';
  const req = httpRequest(`${base}/v1/events/${eventId}/stream?after=0`, (res) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      bytes += chunk;
    });
  });
  req.on('error', () => {});
  req.end();
  return { name: `sse ${base}`, text: () => bytes, close: () => req.destroy() };
}

/** A long-poll viewer from seq 0, keeping every answer's bytes. */
function rawPoll(base: string, eventId: string): RawViewer {
  let bytes = '';
  let closed = false;
  const abort = new AbortController();
  void (async () => {
    let after = 0;
    while (!closed) {
      const res = await fetch(`${base}/v1/events/${eventId}/poll?after=${after}&timeoutMs=2000`, {
        signal: abort.signal,
      }).catch(() => null);
      if (!res) return;
      const body = await res.text();
      bytes += `${body}\n`;
      const items = (JSON.parse(body) as { items?: { seq: number }[] }).items ?? [];
      after = items.at(-1)?.seq ?? after;
    }
  })();
  return {
    name: `poll ${base}`,
    text: () => bytes,
    close: () => {
      closed = true;
      abort.abort();
    },
  };
}

/** A viewer of each transport on `base`. */
function rawViewers(base: string, eventId: string): RawViewer[] {
  return [rawWs(base, eventId), rawSse(base, eventId), rawPoll(base, eventId)];
}

/** Raw bodies of the history reads (both directions) and of the event read without a token. */
async function rawReads(base: string, eventId: string): Promise<{ path: string; body: string }[]> {
  const paths = ['/comments?after=0', '/comments?before=1000', ''].map((p) => `/v1/events/${eventId}${p}`);
  return Promise.all(paths.map(async (path) => ({ path, body: await (await fetch(base + path)).text() })));
}

/** Waits until every viewer has received the `event` entry, then checks nothing private came. */
async function nothingPrivate(viewers: RawViewer[], reads: { path: string; body: string }[]): Promise<void> {
  await waitFor(() => viewers.every((v) => v.text().includes('"type":"event"')), 'the event entry everywhere', 10_000);
  for (const v of viewers) {
    assert.match(v.text(), /"slowModeMs"/, `${v.name} got the public settings`);
    assert.doesNotMatch(v.text(), PRIVATE, `${v.name} received a private setting`);
  }
  for (const { path, body } of reads) {
    if (path.includes('/comments')) assert.match(body, /"type":"event"/, `${path} has the event entry`);
    assert.doesNotMatch(body, PRIVATE, `${path} gave a private setting`);
  }
}

/** Posts as `token`; the answer's status. */
async function postStatus(base: string, token: string, eventId: string, text: string): Promise<number> {
  return (await api(base, 'POST', `/v1/events/${eventId}/comments`, { token, body: { text } })).status;
}

describe('event entries carry the public settings only (one node, SQLite)', () => {
  let node: TestNode;
  let owner: TestUser;
  let poster: TestUser;

  before(async () => {
    node = await startNode();
    [owner, poster] = await Promise.all([devToken(node.url, 'owner'), devToken(node.url, 'poster')]);
  });
  after(async () => {
    await node?.stop();
  });

  test('viewers on every transport and the history reads never see blocked terms or thresholds', async () => {
    const eventId = await createEvent(node.url, owner.token, FIRST);
    const viewers = rawViewers(node.url, eventId);
    try {
      assert.equal(await postStatus(node.url, poster.token, eventId, 'a warm-up comment'), 201);
      const patched = await api(node.url, 'PATCH', `/v1/events/${eventId}`, {
        token: owner.token,
        body: { settings: CHANGE },
      });
      assert.equal(patched.status, 200);
      assert.equal(await postStatus(node.url, poster.token, eventId, 'this has betasecret in it'), 422);
      assert.equal(await postStatus(node.url, poster.token, eventId, 'still alphasecret'), 422);
      assert.equal(await postStatus(node.url, poster.token, eventId, 'a plain comment'), 201);
      await nothingPrivate(viewers, await rawReads(node.url, eventId));

      const full = await api(node.url, 'GET', `/v1/events/${eventId}`, { token: owner.token });
      assert.deepEqual(full.body.settings.blockedTerms, CHANGE.blockedTerms, 'the store kept the full settings');
      assert.equal(full.body.settings.moderation.spamBlock, 0.93);
      assert.equal(full.body.settings.moderation.toxicityBlock, 0.88);
    } finally {
      for (const v of viewers) v.close();
    }
  });
});

describe('event entries carry the public settings only (two nodes, Redis + PostgreSQL)', () => {
  let schema: TestSchema;
  let cluster: Cluster;

  before(async () => {
    schema = await createTestSchema('lc_privacy');
    cluster = await startCluster({ nodes: 2, redisUrl: TEST_REDIS_URL, databaseUrl: schema.url });
  });
  after(async () => {
    await cluster?.stop();
    await schema?.drop();
  });

  test('a change on node 1 blocks at once on node 2, and no viewer of either node sees it', async () => {
    const [n1, n2] = cluster.urls as [string, string];
    const owner = await signIn(n1, 'owner', 'viewer');
    const poster = await signIn(n1, 'poster', 'viewer');
    const eventId = await createEvent(n1, owner.token, FIRST);
    const onNode2 = rawViewers(n2, eventId);
    const viewers = [...rawViewers(n1, eventId), ...onNode2];
    try {
      // Node 2 caches the event (with the first settings) on this post.
      assert.equal(await postStatus(n2, poster.token, eventId, 'a warm-up comment'), 201);
      await waitFor(() => viewers.every((v) => v.text().includes('warm-up')), 'the first comment everywhere', 10_000);
      const patched = await api(n1, 'PATCH', `/v1/events/${eventId}`, {
        token: owner.token,
        body: { settings: CHANGE },
      });
      assert.equal(patched.status, 200);
      assert.equal(await postStatus(n1, poster.token, eventId, 'this has betasecret in it'), 422, 'node 1');
      // Node 2 has taken the `event` entry from the bus once its viewers have it.
      await waitFor(() => onNode2[0]!.text().includes('"type":"event"'), 'the event entry on node 2', 10_000);
      assert.equal(await postStatus(n2, poster.token, eventId, 'this has betasecret in it'), 422, 'node 2');
      assert.equal(await postStatus(n2, poster.token, eventId, 'still alphasecret'), 422, 'node 2');
      assert.equal(await postStatus(n2, poster.token, eventId, 'a plain comment'), 201);
      await nothingPrivate(viewers, [...(await rawReads(n1, eventId)), ...(await rawReads(n2, eventId))]);
    } finally {
      for (const v of viewers) v.close();
    }
  });
});
