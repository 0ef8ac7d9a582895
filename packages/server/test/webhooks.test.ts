// Webhooks end to end: a node (SQLite, and PostgreSQL with two nodes) sends signed deliveries of
// every type to a receiver the test starts; a receiver that is down or failing gets them later
// with the same id; dead letters are listed and re-queued; events' own webhooks are checked.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Config } from '../src/config/config.js';
import { createTestSchema, type TestSchema } from './services.js';
import { api, createEvent, devToken, post, startNode, type TestNode, waitFor } from './support.js';
import { WebhookReceiver } from './webhook-receiver.js';

const SECRET = 'a-webhook-secret-of-at-least-32-chars!';

function hookConfig(receiver: WebhookReceiver, over: Partial<Config> = {}): Partial<Config> {
  return {
    webhookUrls: [receiver.url],
    webhookSecret: SECRET,
    webhookPollMs: 20,
    webhookRetryMs: 50,
    webhookTimeoutMs: 2000,
    ...over,
  };
}

/** The value of a metric line on /metrics (0 when absent). */
async function metric(base: string, line: string): Promise<number> {
  const text = (await api<string>(base, 'GET', '/metrics')).body;
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  return found ? Number(found.slice(line.length + 1)) : 0;
}

/** Every type, made through the API: publish, hold, reject, delete, ban, end. */
async function everyType(base: string): Promise<string> {
  const owner = await devToken(base, 'olga');
  const alice = await devToken(base, 'alice');
  const eventId = await createEvent(base, owner.token, { linkPolicy: 'hold' });
  const published = await post(base, alice.token, eventId, 'hello there');
  assert.equal(published.status, 201);
  const held = await post(base, alice.token, eventId, 'see https://spam.example.com/x');
  assert.equal(held.body.status, 'held');
  const review = `/v1/events/${eventId}/review/${held.body.comment.id}`;
  assert.equal((await api(base, 'POST', review, { token: owner.token, body: { action: 'reject' } })).status, 200);
  const del = `/v1/events/${eventId}/comments/${published.body.comment.id}`;
  assert.equal((await api(base, 'DELETE', del, { token: owner.token })).status, 204);
  const ban = { userId: alice.id, reason: 'spam' };
  assert.equal((await api(base, 'POST', `/v1/events/${eventId}/bans`, { token: owner.token, body: ban })).status, 201);
  assert.equal((await api(base, 'POST', `/v1/events/${eventId}/end`, { token: owner.token })).status, 200);
  return eventId;
}

const TYPES = [
  'comment.published',
  'comment.held',
  'comment.rejected',
  'comment.deleted',
  'user.banned',
  'event.ended',
  'moderation.action',
];

describe('webhooks (SQLite)', () => {
  test('every type is delivered, signed, with the contract body', async () => {
    const receiver = await WebhookReceiver.start(SECRET);
    const node = await startNode(hookConfig(receiver));
    try {
      const eventId = await everyType(node.url);
      const types = () => new Set(receiver.delivered.filter((r) => r.eventId === eventId).map((r) => r.type));
      const actions = () => receiver.delivered.filter((r) => r.eventId === eventId && r.type === 'moderation.action');
      await waitFor(() => TYPES.every((t) => types().has(t)) && actions().length >= 5, 'every type');
      for (const r of receiver.received) {
        assert.equal(r.signed, true, `${r.type} is signed`);
        assert.match(r.id, /^wh_[0-9a-f-]{36}$/);
        assert.equal(typeof r.createdAt, 'number');
      }
      const mine = receiver.delivered.filter((r) => r.eventId === eventId);
      const of = (type: string) => mine.filter((r) => r.type === type);
      assert.equal(of('comment.published')[0]!.data.text, 'hello there');
      assert.equal(of('comment.held')[0]!.data.comment.text, 'see https://spam.example.com/x');
      assert.equal(of('event.ended').length, 1);
      assert.deepEqual(
        of('moderation.action')
          .map((r) => r.data.action)
          .sort(),
        ['ban', 'delete', 'end', 'hold', 'reject'],
      );
      assert.equal(new Set(mine.map((r) => r.id)).size, mine.length, 'one id per notification');
      await waitFor(
        async () => (await metric(node.url, 'lc_webhook_attempts_total{outcome="delivered"}')) >= mine.length,
      );
    } finally {
      await node.stop();
      await receiver.down();
    }
  });

  test('a failing, then stopped receiver gets the delivery after it is back, with the same id', async () => {
    const receiver = await WebhookReceiver.start(SECRET);
    receiver.status = 503;
    const node = await startNode(hookConfig(receiver));
    try {
      const bot = await devToken(node.url, 'bot', 'service');
      const eventId = await createEvent(node.url, bot.token);
      await post(node.url, bot.token, eventId, 'while the receiver fails');
      const first = await waitFor(
        () => receiver.received.find((r) => r.type === 'comment.published'),
        'a failed attempt',
      );
      await receiver.down();
      await waitFor(async () => (await metric(node.url, 'lc_webhook_attempts_total{outcome="failed"}')) >= 2);
      assert.ok((await metric(node.url, 'lc_webhook_queue{state="pending"}')) >= 1, 'the retry is queued');
      receiver.status = 200;
      await receiver.up();
      const got = await waitFor(
        () => receiver.delivered.find((r) => r.type === 'comment.published'),
        'the delivery after the receiver is back',
        10_000,
      );
      assert.equal(got.id, first.id, 'the same id on the retry');
      assert.equal(got.signed, true);
    } finally {
      await node.stop();
      await receiver.down();
    }
  });

  test('dead letters: listed for admins only, and re-queued with the same id', async () => {
    const receiver = await WebhookReceiver.start(SECRET);
    receiver.status = 500;
    const node = await startNode(hookConfig(receiver, { webhookMaxAttempts: 2 }));
    try {
      const bot = await devToken(node.url, 'bot', 'service');
      const admin = await devToken(node.url, 'root', 'admin');
      const eventId = await createEvent(node.url, bot.token);
      await post(node.url, bot.token, eventId, 'doomed');
      const dead = await waitFor(async () => {
        const res = await api(node.url, 'GET', '/v1/admin/webhooks/dead', { token: admin.token });
        return res.body.items.find((d: { type: string }) => d.type === 'comment.published');
      }, 'a dead letter');
      assert.equal(dead.attempts, 2);
      assert.equal(dead.lastError, 'HTTP 500');
      assert.equal(dead.url, receiver.url);
      assert.equal((await api(node.url, 'GET', '/v1/admin/webhooks/dead', { token: bot.token })).status, 403);
      assert.ok((await metric(node.url, 'lc_webhook_queue{state="dead"}')) >= 1);
      assert.ok((await metric(node.url, 'lc_webhook_attempts_total{outcome="dead"}')) >= 1);
      receiver.status = 200;
      const requeue = await api(node.url, 'POST', '/v1/admin/webhooks/dead/requeue', {
        token: admin.token,
        body: { ids: [dead.id] },
      });
      assert.deepEqual(requeue.body, { requeued: 1 });
      const got = await waitFor(() => receiver.delivered.find((r) => r.type === 'comment.published'));
      assert.equal(got.id, dead.webhookId);
    } finally {
      await node.stop();
      await receiver.down();
    }
  });

  test("an event's own webhooks: https to public addresses only, signed with the event's secret", async () => {
    const eventSecret = 'event-secret-0123456789';
    const receiver = await WebhookReceiver.start(eventSecret);
    const strict = await startNode({ webhookPollMs: 20 });
    try {
      const owner = await devToken(strict.url, 'olga');
      const eventId = await createEvent(strict.url, owner.token);
      for (const url of [
        receiver.url,
        'https://127.0.0.1/x',
        'https://[::1]/x',
        'https://[::ffff:127.0.0.1]/x',
        'https://[::127.0.0.1]/x',
        'https://[64:ff9b::a9fe:a9fe]/x',
        'https://[2002:a00:1::]/x',
        'https://[fec0::1]/x',
        'https://localhost/x',
        'ftp://x.example',
      ]) {
        const res = await api(strict.url, 'PATCH', `/v1/events/${eventId}`, {
          token: owner.token,
          body: { settings: { webhooks: [{ url, secret: eventSecret }] } },
        });
        assert.equal(res.status, 400, url);
        assert.equal(res.body.error.code, 'invalid_request');
      }
    } finally {
      await strict.stop();
    }
    const open = await startNode({ webhookPollMs: 20, webhookAllowPrivate: true });
    try {
      const owner = await devToken(open.url, 'olga');
      const eventId = await createEvent(open.url, owner.token, {
        webhooks: [{ url: receiver.url, secret: eventSecret }],
      });
      const other = await createEvent(open.url, owner.token);
      await post(open.url, owner.token, other, 'not reported');
      await post(open.url, owner.token, eventId, 'reported');
      const got = await waitFor(() => receiver.delivered.find((r) => r.type === 'comment.published'));
      assert.equal(got.signed, true, "signed with the event's secret");
      assert.equal(got.data.text, 'reported');
      const patch = { settings: { webhooks: [{ url: receiver.url, secret: 'another-secret-0123456' }] } };
      assert.equal(
        (await api(open.url, 'PATCH', `/v1/events/${eventId}`, { token: owner.token, body: patch })).status,
        200,
      );
      const log = await api(open.url, 'GET', `/v1/events/${eventId}/moderation-log`, { token: owner.token });
      assert.doesNotMatch(JSON.stringify(log.body), /another-secret/, 'the moderation log keeps no secret');
      assert.ok(receiver.received.every((r) => r.eventId === eventId));
    } finally {
      await open.stop();
      await receiver.down();
    }
  });
});

describe('webhooks (PostgreSQL, two nodes)', () => {
  let schema: TestSchema;
  before(async () => {
    schema = await createTestSchema('lc_hooks');
  });
  after(async () => {
    await schema.drop();
  });

  test('each notification reaches the receiver once, not once per node; a stopped receiver gets it later', async () => {
    const receiver = await WebhookReceiver.start(SECRET);
    const nodes: TestNode[] = [];
    try {
      nodes.push(await startNode(hookConfig(receiver, { databaseUrl: schema.url })));
      nodes.push(await startNode(hookConfig(receiver, { databaseUrl: schema.url })));
      const [a, b] = nodes as [TestNode, TestNode];
      const eventId = await everyType(a.url);
      // Development tokens are signed with a key of each node's own (its data folder); another
      // user may not post under the owner's name, so node A's bot has a name of its own.
      const botA = await devToken(a.url, 'bot-a', 'service');
      const bot = await devToken(b.url, 'bot', 'service');
      const second = await createEvent(b.url, bot.token);
      for (let i = 0; i < 20; i++) {
        const res = await (i % 2 ? post(a.url, botA.token, second, `c${i}`) : post(b.url, bot.token, second, `c${i}`));
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
      const mine = () => receiver.delivered.filter((r) => r.eventId === eventId || r.eventId === second);
      await waitFor(
        () => mine().filter((r) => r.eventId === second).length >= 20 && mine().some((r) => r.type === 'event.ended'),
        'deliveries',
        10_000,
      );
      await waitFor(() => TYPES.every((t) => mine().some((r) => r.type === t)));
      assert.ok(mine().every((r) => r.signed));
      const ids = mine().map((r) => r.id);
      assert.equal(new Set(ids).size, ids.length, 'no notification sent by both nodes');

      await receiver.down();
      await post(b.url, bot.token, second, 'while down');
      await waitFor(
        async () =>
          (await metric(a.url, 'lc_webhook_attempts_total{outcome="failed"}')) +
            (await metric(b.url, 'lc_webhook_attempts_total{outcome="failed"}')) >=
          1,
      );
      await receiver.up();
      await waitFor(
        () => receiver.delivered.some((r) => r.data?.text === 'while down'),
        'delivered after the outage',
        10_000,
      );
    } finally {
      for (const n of nodes) await n.stop();
      await receiver.down();
    }
  });
});
