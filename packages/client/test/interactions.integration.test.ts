// The SDK's reactions, likes and Top chat view against the real server, on every transport.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { connect, type WebSocketConstructor } from '../src/index.js';
import { createEvent, postComment, startServer, type TestServer, token, until } from './harness.js';

const WS = WebSocket as unknown as WebSocketConstructor;

describe('client SDK: reactions, likes, Top chat', () => {
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
    test(`${transport}: react() and like() come back as window counts`, async () => {
      const event = await createEvent(server.url, alice);
      await postComment(server.url, alice, event.id, 'a comment to like');
      const client = connect(event.id, { baseUrl: server.url, token: bob, transport, WebSocket: WS, remember: false });
      let reacted = 0;
      const likes: Record<string, number> = {};
      let commentId = '';
      client.on('comment', (c) => {
        commentId = c.id;
      });
      client.on('reactions', (counts) => {
        reacted += counts['🔥'] ?? 0;
      });
      client.on('likes', (counts) => Object.assign(likes, counts));
      try {
        await until(() => client.state === 'live' && commentId !== '', 5000, 'live');
        for (let i = 0; i < 3; i++) await client.react('🔥');
        await until(() => reacted === 3, 5000, 'three reactions counted');
        await client.like(commentId);
        await client.like(commentId);
        await until(() => likes[commentId] === 1, 5000, 'one like');
        await client.unlike(commentId);
        await until(() => likes[commentId] === 0, 5000, 'unliked');
        // An emoji the event does not offer is refused on every transport.
        await assert.rejects(
          client.react('🦄'),
          (err: { body?: { code: string } }) => err.body?.code === 'invalid_request',
        );
      } finally {
        client.close();
      }
    });

    test(`${transport}: view top leaves low-scored comments out and stays live past the gaps`, async () => {
      const event = await createEvent(server.url, alice);
      const client = connect(event.id, {
        baseUrl: server.url,
        transport,
        view: 'top',
        WebSocket: WS,
        remember: false,
        history: 0,
      });
      const texts: string[] = [];
      client.on('comment', (c) => texts.push(c.text));
      try {
        await until(() => client.state === 'live', 5000, 'live');
        await postComment(server.url, bob, event.id, 'a thoughtful first comment');
        await postComment(server.url, bob, event.id, 'lol');
        await postComment(server.url, bob, event.id, '!!!!!!!!!!!');
        await postComment(server.url, bob, event.id, 'and a second good one');
        await until(() => texts.length === 2, 5000, 'the top comments');
        await until(() => client.lastSeq === 4, 5000, 'the cursor past the gaps');
        assert.deepEqual(texts, ['a thoughtful first comment', 'and a second good one']);
        assert.equal(client.state, 'live');
      } finally {
        client.close();
      }
    });

    test(`${transport}: view top loads its history through the same rule`, async () => {
      const event = await createEvent(server.url, alice);
      await postComment(server.url, bob, event.id, 'an earlier thoughtful comment');
      await postComment(server.url, bob, event.id, 'lol');
      const client = connect(event.id, { baseUrl: server.url, transport, view: 'top', WebSocket: WS, remember: false });
      const texts: string[] = [];
      client.on('comment', (c) => texts.push(c.text));
      try {
        await until(() => client.state === 'live', 5000, 'live');
        assert.deepEqual(texts, ['an earlier thoughtful comment']);
        assert.equal(client.lastSeq, 2);
      } finally {
        client.close();
      }
    });
  }
});
