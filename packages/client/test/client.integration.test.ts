import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Comment, Entry } from '@livecomments/protocol';
import WebSocket from 'ws';
import {
  type ConnectionState,
  connect,
  type LiveComments,
  type PostResult,
  type WebSocketConstructor,
} from '../src/index.js';
import { createEvent, postComment, startServer, type TestServer, token, until } from './harness.js';

const WS = WebSocket as unknown as WebSocketConstructor;
const FAST = { initialMs: 50, maxMs: 400 };

/** Collects what a client delivers. */
function watch(client: LiveComments) {
  const seen = { seqs: [] as number[], texts: [] as string[], states: [] as string[], resets: 0, viewers: -1 };
  client.on('entry', (e) => seen.seqs.push(e.seq));
  client.on('comment', (c: Comment) => seen.texts.push(c.text));
  client.on('state', (s: ConnectionState, t) => seen.states.push(t ? `${s}:${t}` : s));
  client.on('reset', () => {
    seen.resets++;
  });
  client.on('presence', (n) => {
    seen.viewers = n;
  });
  return seen;
}

/** A WebSocket that a proxy refuses: it closes before it ever opens. */
class RefusedWebSocket {
  readyState = 0;
  onopen = null;
  onmessage = null;
  onerror: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  constructor() {
    setTimeout(() => this.onclose?.({ code: 1006, reason: '' }), 10);
  }
  send(): void {}
  close(): void {}
}

describe('client SDK against the real server', () => {
  let server: TestServer;
  let alice: string;
  let bob: string;

  before(async () => {
    server = await startServer();
    alice = await token(server.url, 'alice');
    bob = await token(server.url, 'bob');
  });
  after(() => server.close());

  for (const transport of ['ws', 'sse', 'poll'] as const) {
    test(`${transport}: history, then live comments in order, once`, async () => {
      const event = await createEvent(server.url, alice);
      await postComment(server.url, alice, event.id, 'first');
      await postComment(server.url, alice, event.id, 'second');
      const client = connect(event.id, { baseUrl: server.url, transport, WebSocket: WS, remember: false });
      const seen = watch(client);
      try {
        await until(() => client.state === 'live', 5000, 'live');
        assert.equal(client.transport, transport);
        assert.deepEqual(seen.texts, ['first', 'second']);
        for (let i = 0; i < 5; i++) await postComment(server.url, bob, event.id, `live ${i}`);
        await until(() => seen.texts.length === 7, 5000, 'live comments');
        assert.deepEqual(seen.texts.slice(2), ['live 0', 'live 1', 'live 2', 'live 3', 'live 4']);
        assert.deepEqual(seen.seqs, [1, 2, 3, 4, 5, 6, 7]);
        assert.equal(client.lastSeq, 7);
      } finally {
        client.close();
      }
      assert.equal(client.state, 'offline');
    });
  }

  test('post: pending, then published; the log brings it once', async () => {
    const event = await createEvent(server.url, alice);
    const client = connect(event.id, { baseUrl: server.url, token: bob, WebSocket: WS, remember: false });
    const seen = watch(client);
    const pending: string[] = [];
    client.on('pending', (p) => pending.push(p.clientId));
    try {
      await until(() => client.state === 'live');
      const result = await client.post('hello there');
      assert.equal(result.status, 'published');
      assert.equal(pending.length, 1);
      await until(() => seen.texts.includes('hello there'));
      assert.deepEqual(seen.texts, ['hello there']);
    } finally {
      client.close();
    }
  });

  test('post: a lost answer is retried with the same clientId and publishes once', async () => {
    const event = await createEvent(server.url, alice);
    let posts = 0;
    // The first POST reaches the server, but its answer is lost on the way back.
    const flaky: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (init?.method === 'POST' && String(input).endsWith('/comments') && posts++ === 0) {
        throw new TypeError('network connection lost');
      }
      return res;
    };
    const client = connect(event.id, { baseUrl: server.url, token: bob, WebSocket: WS, fetch: flaky, remember: false });
    const seen = watch(client);
    try {
      await until(() => client.state === 'live');
      const result = await client.post('only once');
      assert.equal(result.status, 'published');
      assert.equal(posts, 2);
      await until(() => seen.texts.length === 1);
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(seen.texts, ['only once']);
    } finally {
      client.close();
    }
  });

  test('post: slow mode refuses with retryAfterMs; a link is held when links are off', async () => {
    const event = await createEvent(server.url, alice, { slowModeMs: 10_000, linksAllowed: false });
    const client = connect(event.id, { baseUrl: server.url, token: bob, WebSocket: WS, remember: false });
    const settled: PostResult[] = [];
    client.on('settled', (_p, r) => settled.push(r));
    try {
      assert.equal((await client.post('one')).status, 'published');
      const refused = await client.post('two');
      assert.ok(refused.status === 'refused');
      assert.equal(refused.code, 'slow_mode');
      assert.ok((refused.retryAfterMs ?? 0) > 0);
      assert.equal(settled.length, 2);
      const carol = connect(event.id, { baseUrl: server.url, token: await token(server.url, 'carol'), WebSocket: WS });
      const held = await carol.post('see example.com now');
      carol.close();
      assert.equal(held.status, 'held');
    } finally {
      client.close();
    }
  });

  test('auto falls back to SSE, then long polling, and says which it uses', async () => {
    const event = await createEvent(server.url, alice);
    const refusedWs = RefusedWebSocket as unknown as WebSocketConstructor;
    const sseRefused: typeof fetch = (input, init) =>
      String(input).includes('/stream')
        ? Promise.resolve(new Response('blocked by proxy', { status: 200, headers: { 'content-type': 'text/html' } }))
        : fetch(input, init);
    const a = connect(event.id, { baseUrl: server.url, WebSocket: refusedWs, remember: false });
    const b = connect(event.id, { baseUrl: server.url, WebSocket: refusedWs, fetch: sseRefused, remember: false });
    const seenA = watch(a);
    const seenB = watch(b);
    try {
      await until(() => a.state === 'live' && b.state === 'live', 8000, 'both live');
      assert.equal(a.transport, 'sse');
      assert.equal(b.transport, 'poll');
      await postComment(server.url, bob, event.id, 'through every path');
      await until(() => seenA.texts.length === 1 && seenB.texts.length === 1, 5000, 'comment on both');
      assert.ok(seenB.states.includes('live:poll'));
    } finally {
      a.close();
      b.close();
    }
  });

  test('duplicates, reordering and a gap on the wire: the app still sees 1, 2, 3, 4 once', async () => {
    const event = await createEvent(server.url, alice);
    for (const text of ['one', 'two', 'three', 'four']) await postComment(server.url, alice, event.id, text);
    const page = (await (await fetch(`${server.url}/v1/events/${event.id}/comments?after=0`)).json()) as {
      items: Entry[];
    };
    const [e1, e2, , e4] = page.items;
    /** A socket that misbehaves: reorders, repeats, and never sends entry 3. */
    class Messy {
      readyState = 0;
      onopen: ((ev: unknown) => void) | null = null;
      onmessage: ((ev: { data: unknown }) => void) | null = null;
      onerror = null;
      onclose = null;
      constructor() {
        setTimeout(() => {
          this.readyState = 1;
          this.onopen?.({});
          for (const items of [[e2], [e1], [e1, e2], [e4]]) {
            this.onmessage?.({ data: JSON.stringify({ type: 'entries', items }) });
          }
        }, 10);
      }
      send(): void {}
      close(): void {}
    }
    const client = connect(event.id, {
      baseUrl: server.url,
      after: 0,
      transport: 'ws',
      WebSocket: Messy as unknown as WebSocketConstructor,
    });
    const seen = watch(client);
    try {
      await until(() => seen.texts.length === 4, 5000, 'the gap filled from the store');
      assert.deepEqual(seen.texts, ['one', 'two', 'three', 'four']);
      assert.deepEqual(seen.seqs, [1, 2, 3, 4]);
    } finally {
      client.close();
    }
  });

  test('a resume point the server cannot serve gives a reset and reloads history', async () => {
    const event = await createEvent(server.url, alice);
    await postComment(server.url, alice, event.id, 'old');
    const client = connect(event.id, { baseUrl: server.url, after: 500, WebSocket: WS, remember: false });
    const seen = watch(client);
    try {
      await until(() => seen.resets === 1 && client.state === 'live', 5000, 'reset');
      await until(() => seen.texts.length === 1, 5000, 'history');
      assert.deepEqual(seen.texts, ['old']);
      await postComment(server.url, alice, event.id, 'new');
      await until(() => seen.texts.length === 2);
      assert.deepEqual(seen.texts, ['old', 'new']);
      assert.equal(client.lastSeq, 2);
    } finally {
      client.close();
    }
  });

  for (const transport of ['ws', 'sse', 'poll'] as const) {
    test(`${transport}: the client learns the epoch; a resume in a stale epoch resets and reloads`, async () => {
      const event = await createEvent(server.url, alice);
      await postComment(server.url, alice, event.id, 'old');
      const epoch = event.epoch;
      assert.ok(epoch, 'the event carries its epoch');
      const fresh = connect(event.id, { baseUrl: server.url, transport, WebSocket: WS, remember: false });
      try {
        await until(() => fresh.state === 'live', 5000, 'live');
        assert.equal(fresh.epoch, epoch);
      } finally {
        fresh.close();
      }
      const stale = epoch === 'stale000' ? 'stale001' : 'stale000';
      const client = connect(event.id, {
        baseUrl: server.url,
        transport,
        after: 1,
        epoch: stale,
        WebSocket: WS,
        remember: false,
        backoff: FAST,
      });
      const seen = watch(client);
      try {
        await until(() => seen.resets === 1 && client.state === 'live', 5000, 'reset');
        await until(() => seen.texts.length === 1, 5000, 'history');
        assert.deepEqual(seen.texts, ['old'], 'the history of the current epoch, reloaded');
        assert.equal(client.epoch, epoch, 'the epoch the reset gave');
        await postComment(server.url, alice, event.id, 'new');
        await until(() => seen.texts.length === 2);
        assert.deepEqual(seen.texts, ['old', 'new']);
        assert.equal(seen.resets, 1, 'one reset: the resume after it carries the right epoch');
      } finally {
        client.close();
      }
    });
  }

  test('server restart: every transport reconnects and resumes, once and in order', async () => {
    const event = await createEvent(server.url, alice);
    const clients = (['ws', 'sse', 'poll'] as const).map((transport) =>
      connect(event.id, { baseUrl: server.url, transport, WebSocket: WS, backoff: FAST, remember: false }),
    );
    const seen = clients.map(watch);
    try {
      await until(() => clients.every((c) => c.state === 'live'), 5000, 'all live');
      await postComment(server.url, bob, event.id, 'before');
      await until(() => seen.every((s) => s.texts.length === 1));
      await server.stop();
      await until(() => clients.every((c) => c.state === 'reconnecting'), 5000, 'reconnecting');
      await server.start();
      // Written while the clients may still be away: they get it by resuming.
      await postComment(server.url, bob, event.id, 'during');
      await until(() => clients.every((c) => c.state === 'live'), 10_000, 'live again');
      await postComment(server.url, bob, event.id, 'after');
      await until(() => seen.every((s) => s.texts.length === 3), 5000, 'all three');
      for (const s of seen) {
        assert.deepEqual(s.texts, ['before', 'during', 'after']);
        assert.deepEqual(s.seqs, [1, 2, 3]);
        assert.ok(s.states.includes('reconnecting'));
      }
    } finally {
      for (const c of clients) c.close();
    }
  });

  for (const transport of ['ws', 'sse', 'poll'] as const) {
    test(`${transport}: a refused token is dropped for reading and reported`, async () => {
      const event = await createEvent(server.url, alice);
      const client = connect(event.id, { baseUrl: server.url, token: 'not-a-token', transport, WebSocket: WS });
      const rejected: string[] = [];
      client.on('tokenRejected', (e) => rejected.push(e.code));
      try {
        await until(() => client.state === 'live', 5000, 'live without the token');
        assert.equal(client.transport, transport);
        assert.deepEqual(rejected, ['unauthenticated']);
        const result = await client.post('with a bad token');
        assert.ok(result.status === 'refused' && result.code === 'unauthenticated');
      } finally {
        client.close();
      }
    });
  }

  for (const transport of ['ws', 'sse', 'poll'] as const) {
    test(`${transport}: streamToken false keeps the token out of every URL; posts carry it in a header`, async () => {
      const event = await createEvent(server.url, alice);
      const urls: string[] = [];
      const headers: string[] = [];
      const recordingFetch: typeof fetch = (input, init) => {
        urls.push(String(input));
        headers.push(String(new Headers(init?.headers).get('authorization') ?? ''));
        return fetch(input, init);
      };
      class RecordingWebSocket extends WebSocket {
        constructor(url: string) {
          urls.push(url);
          super(url);
        }
      }
      const client = connect(event.id, {
        baseUrl: server.url,
        token: alice,
        streamToken: false,
        transport,
        fetch: recordingFetch,
        WebSocket: RecordingWebSocket as unknown as WebSocketConstructor,
        remember: false,
      });
      try {
        await client.ready();
        const result = await client.post('token in the header only');
        assert.equal(result.status, 'published');
        assert.ok(urls.length > 0);
        for (const url of urls) assert.doesNotMatch(url, /token=/, url);
        assert.ok(headers.includes(`Bearer ${alice}`), 'the post carried the token');
      } finally {
        client.close();
      }
    });
  }

  test('presence reaches the client; close() stops everything', async () => {
    const event = await createEvent(server.url, alice);
    const client = connect(event.id, { baseUrl: server.url, WebSocket: WS, remember: false });
    const seen = watch(client);
    await until(() => seen.viewers >= 1, 5000, 'presence');
    client.close();
    await postComment(server.url, bob, event.id, 'after close');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(seen.texts, []);
    assert.equal(client.state, 'offline');
  });
});
