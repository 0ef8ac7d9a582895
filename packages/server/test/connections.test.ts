// Connection-level protection and liveness: per-address limits, heartbeats, dead peers, presence.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CloseCode } from '@livecomments/protocol';
import WebSocket from 'ws';
import { api, createEvent, devToken, post, SseViewer, startNode, WsViewer, waitFor } from './support.js';

describe('connections', () => {
  test('per-address connection limit on every transport', async () => {
    const node = await startNode({ maxConnectionsPerIp: 2 });
    try {
      const owner = await devToken(node.url, 'o');
      const eventId = await createEvent(node.url, owner.token);
      const a = await WsViewer.open(node.url, eventId);
      const b = await SseViewer.open(node.url, eventId);
      const refused = await WsViewer.open(node.url, eventId);
      await waitFor(() => refused.closeCode === CloseCode.TOO_MANY, 'close 4029');
      await assert.rejects(SseViewer.open(node.url, eventId), /sse refused: 429/);
      const poll = await api(node.url, 'GET', `/v1/events/${eventId}/poll?timeoutMs=10`);
      assert.equal(poll.status, 429);
      assert.equal(poll.body.error.code, 'rate_limited');
      await a.close();
      b.close();
      await waitFor(() => (node.services.hub.counts().ws ?? 0) + (node.services.hub.counts().sse ?? 0) === 0);
      const again = await WsViewer.open(node.url, eventId);
      await again.close();
    } finally {
      await node.stop();
    }
  });

  test('SSE heartbeats; WebSocket peers that stop answering pings are dropped', async () => {
    const node = await startNode({ sseHeartbeatMs: 100, wsPingMs: 100 });
    try {
      const owner = await devToken(node.url, 'o');
      const eventId = await createEvent(node.url, owner.token);
      const sse = await SseViewer.open(node.url, eventId);
      await waitFor(() => sse.comments >= 3, 'heartbeats', 3000);
      const alive = await WsViewer.open(node.url, eventId);
      const dead = await WsViewer.open(node.url, eventId);
      (dead.ws as WebSocket & { _socket: { pause(): void } })._socket.pause();
      await waitFor(() => node.services.hub.counts().ws === 1, 'the dead peer to be dropped', 3000);
      assert.equal(alive.ws.readyState, WebSocket.OPEN, 'a peer that answers stays');
      await alive.close();
      dead.kill();
      sse.close();
    } finally {
      await node.stop();
    }
  });

  test('viewers of every transport are counted, pushed and shown on the event', async () => {
    const node = await startNode({ presenceMs: 100 });
    try {
      const owner = await devToken(node.url, 'o');
      const eventId = await createEvent(node.url, owner.token);
      const ws = await WsViewer.open(node.url, eventId);
      const sse = await SseViewer.open(node.url, eventId);
      const polling = api(node.url, 'GET', `/v1/events/${eventId}/poll?timeoutMs=1500`);
      await ws.next((f) => f.type === 'presence' && f.viewers === 3, 3000);
      await waitFor(() => sse.events.some((e) => e.event === 'presence' && e.data.viewers === 3));
      assert.equal((await api(node.url, 'GET', `/v1/events/${eventId}`)).body.viewers, 3);
      sse.close();
      await ws.next((f) => f.type === 'presence' && f.viewers === 2, 3000);
      await polling;
      await ws.close();
    } finally {
      await node.stop();
    }
  });

  test('ending an event reaches connected viewers as an event entry', async () => {
    const node = await startNode();
    try {
      const owner = await devToken(node.url, 'o');
      const eventId = await createEvent(node.url, owner.token);
      const ws = await WsViewer.open(node.url, eventId);
      await post(node.url, owner.token, eventId, 'last words');
      await api(node.url, 'POST', `/v1/events/${eventId}/end`, { token: owner.token });
      await waitFor(() => ws.entries.length === 2);
      const last = ws.entries[1]!;
      assert.equal(last.type, 'event');
      assert.equal(last.type === 'event' && last.event.status, 'ended');
      await ws.close();
    } finally {
      await node.stop();
    }
  });
});
