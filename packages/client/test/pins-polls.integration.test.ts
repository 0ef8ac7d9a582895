// The SDK's pins and polls against the real server, on each transport: `pin` and `poll` events
// follow the log, a client that connects later starts with the current pin, votes count.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { type CurrentPin, connect, type Poll, type WebSocketConstructor } from '../src/index.js';
import { createEvent, startServer, type TestServer, token, until } from './harness.js';

const WS = WebSocket as unknown as WebSocketConstructor;

describe('client SDK: pins and polls', () => {
  let server: TestServer;
  let owner: string;
  let voter: string;

  before(async () => {
    server = await startServer();
    owner = await token(server.url, 'olga');
    voter = await token(server.url, 'vera');
  });
  after(() => server.close());

  for (const transport of ['ws', 'sse', 'poll'] as const) {
    test(`${transport}: pin, poll, vote and unpin reach the client; a late client starts with the pin`, async () => {
      const event = await createEvent(server.url, owner);
      const host = connect(event.id, { baseUrl: server.url, token: owner, transport, WebSocket: WS });
      const pins: (CurrentPin | null)[] = [];
      const polls: Poll[] = [];
      host.on('pin', (p) => pins.push(p));
      host.on('poll', (p) => polls.push(p));
      await host.ready();
      await host.pinMessage({ text: 'Welcome!' });
      await until(() => host.pin?.text === 'Welcome!', 5000, 'the pin');

      const late = connect(event.id, { baseUrl: server.url, token: voter, transport, WebSocket: WS });
      await late.ready();
      assert.equal(late.pin?.text, 'Welcome!', 'a late client starts with the current pin');

      const poll = await host.startPoll({ question: 'Tea or coffee?', options: ['tea', 'coffee'], durationMs: 60_000 });
      await until(() => late.poll?.id === poll.id, 5000, 'the poll on the late client');
      await late.vote(poll.id, 1);
      await until(() => host.poll?.options[1]?.votes === 1, 5000, 'the results');
      await host.unpin();
      await until(() => host.pin === null && late.pin === null, 5000, 'the unpin');
      assert.equal(pins.at(-1), null);
      assert.ok(polls.length >= 2);
      host.close();
      late.close();
    });
  }
});
