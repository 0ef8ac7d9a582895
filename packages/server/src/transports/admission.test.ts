import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { createAuthenticator } from '../auth/auth.js';
import type { EventRecord } from '../engines/store.js';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { AppError, errors } from '../util/errors.js';
import { OriginPolicy } from '../util/origins.js';
import { admit } from './admission.js';
import { ConnectionLimiter } from './connections.js';
import type { AdmissionServices } from './services.js';

const EVENT: EventRecord = {
  id: 'e1',
  title: 't',
  status: 'live',
  ownerId: 'o',
  createdAt: 1,
  lastSeq: 7,
  epoch: 'abc123',
  settings: { ...DEFAULT_SETTINGS, embed: { allowedOrigins: ['https://shop.example'] } },
};

/** Admission's parts, with one known event and a store that can be made to fail. */
function services(max: number) {
  const state = { storeDown: false, closing: false };
  const s: AdmissionServices = {
    auth: createAuthenticator({ jwtSecret: 'a-test-secret-of-some-length', devTokens: false, dataDir: '/nonexistent' }),
    proxy: null,
    events: {
      async get(id: string) {
        if (state.storeDown) throw new Error('connection refused');
        if (id !== EVENT.id) throw errors.notFound('event');
        return EVENT;
      },
    },
    bans: { until: async () => false },
    connections: new ConnectionLimiter(max),
    guard: {
      get closing() {
        return state.closing;
      },
      assertOpen() {
        if (state.closing) throw errors.unavailable('shutting down');
      },
    },
    origins: new OriginPolicy(['https://node-wide.example']),
    clientIp: () => '192.0.2.1',
  };
  return { s, state };
}

function request(url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { url, headers, method: 'GET' } as IncomingMessage;
}

async function code(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return error instanceof AppError ? error.code : `thrown: ${String(error)}`;
  }
  return 'admitted';
}

test('every refusal is catalogued and holds no connection slot', async () => {
  const { s, state } = services(1);
  const ask = { transport: 'sse' as const, eventId: 'e1', after: undefined };
  assert.equal(await code(admit(s, request('/x?token=bad'), ask)), 'unauthenticated');
  assert.equal(await code(admit(s, request('/x'), { ...ask, eventId: 'nope' })), 'not_found');
  assert.equal(await code(admit(s, request('/x'), { ...ask, after: '-1' })), 'invalid_request');
  assert.equal(await code(admit(s, request('/x?epoch=a%20b'), ask)), 'invalid_request');
  state.storeDown = true;
  assert.match(await code(admit(s, request('/x'), ask)), /^thrown/);
  state.storeDown = false;
  state.closing = true;
  assert.equal(await code(admit(s, request('/x'), ask)), 'unavailable');
  assert.equal(s.connections.count('192.0.2.1'), 0);
});

test('an admission carries the resume point and epoch, and gives its slot back once', async () => {
  const { s } = services(1);
  const a = await admit(s, request('/x?after=3&epoch=abc123'), { transport: 'ws', eventId: 'e1', after: '3' });
  assert.deepEqual([a.after, a.epoch, a.event?.lastSeq, a.slot, a.ip], [3, 'abc123', 7, true, '192.0.2.1']);
  assert.equal(
    await code(admit(s, request('/x'), { transport: 'poll', eventId: 'e1', after: undefined })),
    'rate_limited',
  );
  const over = await admit(s, request('/x'), { transport: 'ws', eventId: 'e1', after: undefined, admitOverCap: true });
  assert.equal(over.slot, false, 'WebSocket is told, to close with 4029');
  over.release();
  assert.equal(s.connections.count('192.0.2.1'), 1, 'a release without a slot gives nothing back');
  a.release();
  a.release();
  assert.equal(s.connections.count('192.0.2.1'), 0);
});

test('a long poll is admitted while the store is away, without the event', async () => {
  const { s, state } = services(0);
  state.storeDown = true;
  const a = await admit(s, request('/x'), { transport: 'poll', eventId: 'e1', after: '2', storeMayBeAway: true });
  assert.equal(a.event, null);
  a.release();
  state.storeDown = false;
  const missing = admit(s, request('/x'), {
    transport: 'poll',
    eventId: 'nope',
    after: undefined,
    storeMayBeAway: true,
  });
  assert.equal(await code(missing), 'not_found');
});

test('a browser Origin is admitted when it is the node’s own, the node’s or the event’s, else refused', async () => {
  const { s } = services(10);
  const ask = { transport: 'ws' as const, eventId: 'e1', after: undefined };
  const from = (origin?: string) =>
    request('/x', { host: 'chat.example:8080', ...(origin === undefined ? {} : { origin }) });
  for (const origin of [undefined, 'https://chat.example:8080', 'https://node-wide.example', 'https://shop.example']) {
    const a = await admit(s, from(origin), ask);
    a.release();
  }
  for (const origin of ['https://evil.example', 'https://chat.example', 'null', 'https://shop.example.evil.example']) {
    assert.equal(await code(admit(s, from(origin), ask)), 'forbidden', origin);
  }
  assert.equal(s.connections.count('192.0.2.1'), 0, 'a refused origin holds no slot');
});
