// The SDK's multi-event connection and sampled tier against the real server: one WebSocket for
// several events, each delivered in order and once, resumed per event after a reconnect; a
// sampled client moves over the tier's gaps without treating them as loss.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { connect, connectMany, type Entry, type WebSocketConstructor } from '../src/index.js';
import { createEvent, postComment, startServer, type TestServer, token, until } from './harness.js';

const WS = WebSocket as unknown as WebSocketConstructor;

describe('client SDK: many events on one socket, sampled tiers', () => {
  let server: TestServer;
  let alice: string;
  let svc: string;

  before(async () => {
    server = await startServer();
    alice = await token(server.url, 'alice');
    svc = await token(server.url, 'svc', 'service');
  });
  after(() => server.close());

  test('connectMany: two events on one socket, in order, once; each resumes on its own after a drop', async () => {
    const [e1, e2] = [await createEvent(server.url, alice), await createEvent(server.url, alice)];
    const many = connectMany({
      baseUrl: server.url,
      token: alice,
      WebSocket: WS,
      backoff: { initialMs: 100, maxMs: 500 },
    });
    const got = new Map<string, number[]>([
      [e1.id, []],
      [e2.id, []],
    ]);
    many.on('entry', (eventId, entry: Entry) => got.get(eventId)!.push(entry.seq));
    try {
      many.subscribe(e1.id, { after: 0 });
      many.subscribe(e2.id, { after: 0 });
      await until(() => many.epoch(e1.id) !== undefined && many.epoch(e2.id) !== undefined, 5000, 'subscribed');
      for (let i = 1; i <= 3; i++) {
        await postComment(server.url, svc, e1.id, `one ${i}`);
        await postComment(server.url, svc, e2.id, `two ${i}`);
      }
      await until(() => got.get(e1.id)!.length === 3 && got.get(e2.id)!.length === 3, 5000, 'both events');
      // The server restarts (1012): the client reconnects and resumes each event from its own seq.
      const states: string[] = [];
      many.on('state', (s) => states.push(s));
      await server.stop();
      await server.start();
      await until(() => states.includes('open'), 15_000, 'reconnected');
      for (let i = 4; i <= 5; i++) {
        await postComment(server.url, svc, e1.id, `one ${i}`);
        await postComment(server.url, svc, e2.id, `two ${i}`);
      }
      await until(() => got.get(e1.id)!.length === 5 && got.get(e2.id)!.length === 5, 15_000, 'after the drop');
      assert.deepEqual(got.get(e1.id), [1, 2, 3, 4, 5]);
      assert.deepEqual(got.get(e2.id), [1, 2, 3, 4, 5]);
      many.unsubscribe(e1.id);
      await postComment(server.url, svc, e2.id, 'two 6');
      await until(() => got.get(e2.id)!.length === 6, 5000, 'e2 after unsubscribing e1');
      await postComment(server.url, svc, e1.id, 'one 6');
      await postComment(server.url, svc, e2.id, 'two 7');
      await until(() => got.get(e2.id)!.length === 7, 5000, 'e2 goes on');
      assert.equal(got.get(e1.id)!.length, 5);
    } finally {
      many.close();
    }
  });

  test('rate: the sampled client delivers in order, moves over gaps, and reaches the head', async () => {
    const event = await createEvent(server.url, alice);
    const client = connect(event.id, {
      baseUrl: server.url,
      rate: 1,
      transport: 'ws',
      WebSocket: WS,
      remember: false,
      history: 0,
    });
    const seen: number[] = [];
    client.on('comment', (c) => seen.push(c.seq));
    try {
      await until(() => client.state === 'live', 5000, 'live');
      for (let i = 1; i <= 20; i++) await postComment(server.url, svc, event.id, `comment ${i}`);
      await postComment(server.url, alice, event.id, 'the owner ends it');
      await until(() => client.lastSeq === 21, 5000, 'the head, past the left-out comments');
      assert.ok(seen.length < 21, 'the tier left some out');
      assert.ok(seen.includes(21), "the owner's comment always passes");
      assert.deepEqual(
        seen,
        [...seen].sort((a, b) => a - b),
      );
    } finally {
      client.close();
    }
  });
});
