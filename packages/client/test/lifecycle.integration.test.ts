// The SDK's behaviour around failures, tokens, the post queue, older history and its lifecycle,
// against a real server (and a real restart of it).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer } from '@livecomments/server/testing';
import { SignJWT } from 'jose';
import WebSocket from 'ws';
import {
  type AttemptFailure,
  type Comment,
  connect,
  type Entry,
  type LiveComments,
  LiveCommentsApi,
  type PostResult,
  UnauthorizedError,
} from '../src/index.js';
import { createEvent, startServer, type TestServer, token, until } from './harness.js';

const FAST = { initialMs: 50, maxMs: 400 };

/** Collects what a client delivers. */
function watch(client: LiveComments) {
  const seen = { seqs: [] as number[], texts: [] as string[], resets: 0, failures: [] as AttemptFailure[] };
  client.on('entry', (e: Entry) => seen.seqs.push(e.seq));
  client.on('comment', (c: Comment) => seen.texts.push(c.text));
  client.on('reset', () => {
    seen.resets++;
  });
  client.on('attemptFailed', (f) => seen.failures.push(f));
  return seen;
}

const WORDS = [
  '',
  'Apple',
  'River',
  'Mountain',
  'Violin',
  'Harbour',
  'Lantern',
  'Meadow',
  'Copper',
  'Falcon',
  'Orchard',
];

/** The number in "... comment number N". */
function number(comment: Comment): number {
  return Number(comment.text.split(' ').pop());
}

/** A fetch that counts requests by `METHOD path-suffix` and answers with status. */
function countingFetch() {
  const calls: { method: string; url: string; status: number }[] = [];
  const f: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    calls.push({ method: init?.method ?? 'GET', url: String(input), status: res.status });
    return res;
  };
  return { fetch: f, calls, posts: () => calls.filter((c) => c.method === 'POST' && c.url.endsWith('/comments')) };
}

describe('client SDK: failures and the post queue (development tokens)', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;

  before(async () => {
    server = await startServer();
    alice = await token(server.url, 'alice');
    bob = await token(server.url, 'bob');
  });
  after(() => server.close());

  test('every failed attempt is reported with its code, number and delay; none once live', async () => {
    const event = await createEvent(server.url, alice);
    await server.stop();
    const client = connect(event.id, { baseUrl: server.url, WebSocket, backoff: FAST, remember: false });
    const seen = watch(client);
    try {
      await until(() => seen.failures.length >= 3, 5000, 'three failures');
      const [first, second, third] = seen.failures;
      assert.deepEqual(
        [first?.code, first?.attempt, second?.attempt, third?.attempt, first?.transport],
        ['network', 1, 2, 3, null],
      );
      assert.ok(seen.failures.every((f) => f.nextRetryMs > 0 && typeof f.message === 'string'));
      assert.equal(client.state, 'connecting');
      await server.start();
      await client.ready();
      const count = seen.failures.length;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(seen.failures.length, count);
    } finally {
      client.close();
    }
  });

  test('a cross-origin refusal (fetch throws at once) is reported at once, not after a timeout', async () => {
    const corsBlocked: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    const client = connect('evt_x', { baseUrl: server.url, fetch: corsBlocked, backoff: { initialMs: 10_000 } });
    const failures: AttemptFailure[] = [];
    client.on('attemptFailed', (f) => failures.push(f));
    try {
      await until(() => failures.length === 1, 2000, 'the first failure');
      assert.equal(failures[0]?.code, 'network');
      assert.match(failures[0]?.message ?? '', /Failed to fetch/);
    } finally {
      client.close();
    }
  });

  test('a post made while the server is away waits, then goes once with its clientId', async () => {
    const event = await createEvent(server.url, alice);
    const counter = countingFetch();
    const client = connect(event.id, {
      baseUrl: server.url,
      token: bob,
      WebSocket,
      fetch: counter.fetch,
      backoff: FAST,
    });
    const seen = watch(client);
    try {
      await client.ready();
      await server.stop();
      await until(() => client.state === 'reconnecting', 5000, 'reconnecting');
      const posted = client.post('written offline', { clientId: 'offline-1' });
      await new Promise((r) => setTimeout(r, 7000));
      // Still waiting after the 6 s after which it used to be dropped, and never sent to nobody.
      assert.deepEqual(
        client.pendingPosts.map((p) => [p.clientId, p.status]),
        [['offline-1', 'queued']],
      );
      assert.equal(counter.posts().length, 0);
      await server.start();
      const result = await posted;
      assert.equal(result.status, 'published');
      assert.deepEqual(client.pendingPosts, []);
      await until(() => seen.texts.length === 1, 5000, 'the comment');
      assert.deepEqual(seen.texts, ['written offline']);
    } finally {
      client.close();
    }
  });

  test('a post whose answer is lost as the server goes down is replayed after reconnect: one comment', async () => {
    const event = await createEvent(server.url, alice);
    let posts = 0;
    const clientIds: string[] = [];
    // The first POST reaches the server, which then goes down before the answer comes back.
    const lossy: typeof fetch = async (input, init) => {
      const isPost = init?.method === 'POST' && String(input).endsWith('/comments');
      if (isPost) clientIds.push((JSON.parse(String(init?.body)) as { clientId: string }).clientId);
      const res = await fetch(input, init);
      if (isPost && posts++ === 0) {
        await server.stop();
        throw new TypeError('network connection lost');
      }
      return res;
    };
    const client = connect(event.id, { baseUrl: server.url, token: bob, WebSocket, fetch: lossy, backoff: FAST });
    const seen = watch(client);
    try {
      await client.ready();
      const posted = client.post('sent once');
      await until(() => client.state !== 'live', 5000, 'the connection lost');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(client.pendingPosts[0]?.status, 'queued');
      await server.start();
      const result = await posted;
      assert.equal(result.status, 'published');
      assert.equal(posts, 2);
      assert.equal(new Set(clientIds).size, 1);
      await until(() => seen.texts.length === 1, 5000, 'the comment');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(seen.texts, ['sent once']);
      const page = (await (await fetch(`${server.url}/v1/events/${event.id}/comments?after=0`)).json()) as {
        items: Entry[];
      };
      assert.equal(page.items.filter((e) => e.type === 'comment').length, 1);
    } finally {
      client.close();
    }
  });

  test('a waiting post can be cancelled, by clientId or by its AbortSignal', async () => {
    const event = await createEvent(server.url, alice);
    const client = connect(event.id, { baseUrl: server.url, token: bob, WebSocket, backoff: FAST });
    const settled: PostResult[] = [];
    client.on('settled', (_p, r) => settled.push(r));
    try {
      await client.ready();
      client.disconnect();
      const one = client.post('one', { clientId: 'c-1' });
      const abort = new AbortController();
      const two = client.post('two', { signal: abort.signal });
      assert.equal(client.pendingPosts.length, 2);
      assert.equal(client.cancelPost('c-1'), 1);
      abort.abort();
      const results = await Promise.all([one, two]);
      assert.deepEqual(
        results.map((r) => r.status === 'refused' && r.code),
        ['cancelled', 'cancelled'],
      );
      assert.equal(settled.length, 2);
      client.connect();
      await client.ready();
      await new Promise((r) => setTimeout(r, 200));
      const page = (await (await fetch(`${server.url}/v1/events/${event.id}/comments?after=0`)).json()) as {
        items: Entry[];
      };
      assert.equal(page.items.length, 0);
    } finally {
      client.close();
    }
  });

  test('loadOlder pages back with hasMore, hiding deleted comments and those of users banned since', async () => {
    const event = await createEvent(server.url, alice, { rateLimitPerMinute: 0 });
    const ids: Record<string, string> = {};
    const api = new LiveCommentsApi({ baseUrl: server.url, token: alice });
    const bobApi = new LiveCommentsApi({ baseUrl: server.url, token: bob });
    // Two authors, or ten quick comments from one would look like a burst and be held.
    const carolApi = new LiveCommentsApi({ baseUrl: server.url, token: await token(server.url, 'carol') });
    for (let i = 1; i <= 10; i++) {
      const who = i === 4 ? bobApi : i % 2 ? api : carolApi;
      const text = `${WORDS[i]} makes comment number ${i}`;
      const posted = await who.postComment(event.id, { text, clientId: `older-${i}` });
      assert.equal(posted.status, 'published', `comment ${i}`);
      ids[`c${i}`] = posted.comment.id;
    }
    await api.deleteComment(event.id, ids.c3 ?? '');
    const log = await api.listEntries(event.id, { after: 0 });
    const bobEntry = log.items.find((e) => e.type === 'comment' && e.comment.text.endsWith('number 4'));
    assert.ok(bobEntry && bobEntry.type === 'comment');
    await api.ban(event.id, { userId: bobEntry.comment.user.id, durationMs: 60_000 });
    // Log: c1..c10 (1-10), delete of c3 (11), ban of bob (12); history brings c10, 11 and 12.
    let lastSeq = 0;
    for (let i = 0; i < 100 && lastSeq < 12; i++) {
      lastSeq = (await api.getEvent(event.id)).lastSeq;
      if (lastSeq < 12) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(lastSeq, 12);
    const client = connect(event.id, { baseUrl: server.url, history: 3, WebSocket, remember: false });
    const seen = watch(client);
    try {
      await client.ready();
      assert.deepEqual(seen.seqs, [10, 11, 12]);
      const first = await client.loadOlder(4);
      assert.deepEqual(
        first.entries.map((e) => e.seq),
        [6, 7, 8, 9],
      );
      assert.deepEqual(first.comments.map(number), [6, 7, 8, 9]);
      assert.equal(first.hasMore, true);
      const second = await client.loadOlder(4);
      assert.deepEqual(second.comments.map(number), [2, 5]);
      assert.equal(second.hasMore, true);
      const third = await client.loadOlder(4);
      assert.deepEqual(third.comments.map(number), [1]);
      assert.equal(third.hasMore, false);
      assert.deepEqual(await client.loadOlder(4), { comments: [], entries: [], hasMore: false });
    } finally {
      client.close();
    }
  });

  test('disconnect() and connect() resume after the last seq: no gap, no duplicate', async () => {
    const event = await createEvent(server.url, alice);
    const client = connect(event.id, { baseUrl: server.url, token: bob, WebSocket, remember: false });
    const seen = watch(client);
    const states: string[] = [];
    client.on('state', (s) => states.push(s));
    try {
      await client.ready();
      await client.post('one');
      await until(() => seen.texts.length === 1);
      client.disconnect();
      assert.equal(client.state, 'offline');
      const other = connect(event.id, { baseUrl: server.url, token: alice, WebSocket });
      for (const text of ['two', 'three', 'four']) await other.post(text);
      other.close();
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(seen.texts, ['one']);
      client.connect();
      await client.ready();
      await until(() => seen.texts.length === 4, 5000, 'the missed comments');
      await client.post('five');
      await until(() => seen.texts.length === 5);
      assert.deepEqual(seen.texts, ['one', 'two', 'three', 'four', 'five']);
      assert.deepEqual(seen.seqs, [1, 2, 3, 4, 5]);
      assert.equal(seen.resets, 0);
      assert.ok(states.includes('offline'));
    } finally {
      client.close();
    }
    // close() is final.
    assert.throws(() => client.connect(), /closed/);
    const late = await client.post('after close');
    assert.ok(late.status === 'refused' && late.code === 'cancelled');
    await assert.rejects(client.ready(), /closed/);
  });

  test('once() runs a handler a single time', async () => {
    const event = await createEvent(server.url, alice);
    const client = connect(event.id, { baseUrl: server.url, token: bob, WebSocket });
    let count = 0;
    client.once('comment', () => {
      count++;
    });
    try {
      await client.ready();
      await client.post('a');
      await client.post('b');
      await until(() => client.lastSeq === 2);
      assert.equal(count, 1);
    } finally {
      client.close();
    }
  });
});

describe('client SDK: getToken (tokens signed with the server secret)', () => {
  const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
  let server: TestServer;

  /** A token for `sub` that expires in `ttlS` seconds, signed with `secret`. */
  function mint(sub: string, ttlS: number, secret = SECRET): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ name: sub, role: 'viewer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlS)
      .sign(new TextEncoder().encode(secret));
  }

  before(async () => {
    server = await startTestServer({ presenceMs: 200, jwtSecret: SECRET });
  });
  after(() => server.close());

  test('a post refused with 401 gets a new token from getToken and is retried once', async () => {
    const event = await createEvent(server.url, await mint('owner', 600));
    let calls = 0;
    const counter = countingFetch();
    const client = connect(event.id, {
      baseUrl: server.url,
      transport: 'sse',
      fetch: counter.fetch,
      getToken: () => {
        calls++;
        return mint('bob', 600);
      },
    });
    const rejected: string[] = [];
    client.on('tokenRejected', (e) => rejected.push(e.code));
    try {
      await client.ready();
      assert.equal(calls, 1);
      // The token in hand is signed with another secret (as a revoked one would be): refused.
      client.api.setToken(await mint('bob', 600, 'another-secret-that-is-long-enough-for-hs256'));
      const result = await client.post('with a renewed token');
      assert.equal(result.status, 'published');
      assert.equal(calls, 2);
      assert.deepEqual(rejected, []);
      assert.equal(counter.calls.filter((c) => c.status === 401).length, 1);
    } finally {
      client.close();
    }
  });

  test('a stream refused with 401 renews the token once; refused again, it stops with UnauthorizedError', async () => {
    const event = await createEvent(server.url, await mint('owner', 600));
    let calls = 0;
    const client = connect(event.id, {
      baseUrl: server.url,
      transport: 'sse',
      getToken: async () => {
        calls++;
        return mint('bob', 600, 'another-secret-that-is-long-enough-for-hs256');
      },
    });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    try {
      await assert.rejects(client.ready(), (err: unknown) => err instanceof UnauthorizedError);
      assert.deepEqual(errors, ['unauthenticated']);
      assert.equal(client.state, 'offline');
      assert.ok(calls >= 2 && calls <= 3, `getToken called ${calls} times`);
    } finally {
      client.close();
    }
  });

  test('getToken is called before the token expires, and posts never go with an expired token', async () => {
    const event = await createEvent(server.url, await mint('owner', 600));
    const given: number[] = [];
    const counter = countingFetch();
    const client = connect(event.id, {
      baseUrl: server.url,
      WebSocket,
      fetch: counter.fetch,
      getToken: () => {
        given.push(Date.now());
        return mint('bob', 3);
      },
    });
    try {
      await client.ready();
      const firstExpiry = (given[0] ?? 0) + 3000;
      await until(() => given.length >= 2, 8000, 'a renewal');
      assert.ok((given[1] ?? Infinity) < firstExpiry, 'renewed before the first token expired');
      await new Promise((r) => setTimeout(r, 3500));
      const result = await client.post('still signed in');
      assert.equal(result.status, 'published');
      assert.equal(counter.calls.filter((c) => c.status === 401).length, 0);
    } finally {
      client.close();
    }
  });
});
