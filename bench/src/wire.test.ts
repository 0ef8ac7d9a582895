import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { type FrameSink, SseClient, WsClient } from './wire.js';

function collector() {
  const frames: string[] = [];
  let opened = 0;
  let closed = '';
  const sink: FrameSink = {
    frame: (buf, s, e) => frames.push(buf.toString('utf8', s, e)),
    opened: () => opened++,
    closed: (why) => {
      closed = why;
    },
  };
  return { sink, frames, opened: () => opened, closed: () => closed };
}

async function until(check: () => boolean) {
  const end = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('the raw WebSocket client reads small, medium and large frames, answers pings, sends masked text', async () => {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  const got: string[] = [];
  let ponged = false;
  wss.on('connection', (ws) => {
    ws.on('pong', () => {
      ponged = true;
    });
    ws.on('message', (m) => {
      got.push(m.toString());
      if (got.length === 2) ws.close(4008, 'slow');
    });
    ws.send('small');
    ws.send('m'.repeat(300));
    ws.send('L'.repeat(70_000));
    ws.ping();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const c = collector();
  const client = new WsClient({ host: '127.0.0.1', port }, '/x', c.sink);
  await until(() => c.opened() === 1);
  client.send('hello');
  client.send('h'.repeat(500));
  await until(() => c.closed() !== '');
  assert.deepEqual(
    c.frames.map((f) => f.length),
    [5, 300, 70_000],
  );
  assert.equal(client.closeCode, 4008);
  assert.deepEqual(got, ['hello', 'h'.repeat(500)]);
  assert.ok(ponged, 'the ping was answered');
  wss.close();
  server.closeAllConnections();
  server.close();
});

test('the raw SSE client splits events of a body that ends with the connection', async () => {
  const server = createServer((req) => {
    req.socket.write(
      'HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\nretry: 1\n\nid: 1\n',
    );
    setTimeout(() => req.socket.end('data: {}\n\n'), 20);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const c = collector();
  new SseClient({ host: '127.0.0.1', port }, '/s', c.sink);
  await until(() => c.closed() !== '');
  assert.deepEqual(c.frames, ['retry: 1', 'id: 1\ndata: {}']);
  server.close();
});

test('the raw SSE client splits chunked events', async () => {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('retry: 2000\n\n');
    res.write('event: entries\nid: 1\ndata: {"items":[1]}\n\n');
    res.write('event: entries\nid: 2\n');
    setTimeout(() => {
      res.write('data: {"items":[2]}\n\nevent: presence\ndata: {"viewers":1}\n\n');
      res.end();
    }, 20);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const c = collector();
  new SseClient({ host: '127.0.0.1', port }, '/s', c.sink);
  await until(() => c.closed() !== '');
  assert.deepEqual(c.frames, [
    'retry: 2000',
    'event: entries\nid: 1\ndata: {"items":[1]}',
    'event: entries\nid: 2\ndata: {"items":[2]}',
    'event: presence\ndata: {"viewers":1}',
  ]);
  server.close();
});
