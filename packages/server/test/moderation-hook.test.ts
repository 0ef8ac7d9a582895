// The operator's classifier hook (LC_MODERATION_URL) against a small classifier server this test
// starts: scores that hold and block, per-event off, fail-open and fail-closed on a slow or
// failing classifier, batching, and the hook's figures on /metrics.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ClassifierHook } from '../src/moderation/hook.js';
import { api, createEvent, post, startNodeWithUsers, type TestNode, type TestUser } from './support.js';

/** What the classifier does: answer with scores, answer late, or fail. */
type Mode = 'score' | 'slow' | 'error' | 'malformed';

interface Sent {
  id: string;
  eventId: string;
  authorId: string;
  text: string;
  newAuthor: boolean;
  reasons: string[];
}

/** A classifier over HTTP: toxicity 0.95 for "tangerine", spam 0.8 (likely) for "marmalade" (words the local models find harmless), else low. */
class Classifier {
  mode: Mode = 'score';
  readonly requests: Sent[][] = [];
  private readonly server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => void this.answer(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/classify`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** Every comment sent so far. */
  sent(): Sent[] {
    return this.requests.flat();
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const { comments } = JSON.parse(body) as { comments: Sent[] };
    this.requests.push(comments);
    if (this.mode === 'error') return void res.writeHead(500).end('down');
    if (this.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 1000));
    const results = comments.map((c) => ({
      scores: {
        toxicity: c.text.includes('tangerine') ? 0.95 : 0.01,
        spam: c.text.includes('marmalade') ? 0.8 : 0.01,
        threats: 0.2,
      },
    }));
    if (res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(this.mode === 'malformed' ? { results: results.slice(1) } : { results }));
  }
}

/** The value of one sample of /metrics, 0 when absent. */
async function metric(base: string, sample: string): Promise<number> {
  const res = await fetch(`${base}/metrics`);
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

describe('classifier hook', () => {
  const classifier = new Classifier();
  let node: TestNode;
  let base: string;
  let alice: TestUser;
  let bob: TestUser;
  let mod: TestUser;

  before(async () => {
    await classifier.start();
    ({ node, base, alice, bob, mod } = await startNodeWithUsers({
      moderationUrl: classifier.url,
      moderationTimeoutMs: 50,
      moderationBatchMs: 2,
      moderationMaxBatch: 8,
    }));
  });
  after(async () => {
    await node.stop();
    await classifier.stop();
  });

  test('its scores block and hold; it is told the text and context', async () => {
    classifier.mode = 'score';
    const eventId = await createEvent(base, alice.token);
    const fine = await post(base, bob.token, eventId, 'what a lovely match');
    assert.equal(fine.status, 201);
    const bad = await post(base, bob.token, eventId, 'you are tangerine');
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'rejected');
    const spam = await post(base, bob.token, eventId, 'cheap marmalade deals');
    assert.equal(spam.status, 202);
    const queue = await api(base, 'GET', `/v1/events/${eventId}/review`, { token: mod.token });
    const held = queue.body.items.find((c: any) => c.comment.id === spam.body.comment.id);
    assert.ok(held.reasons.includes('spam:classifier'), JSON.stringify(held.reasons));
    assert.equal(held.scores['hook.spam'], 0.8);
    const high = await createEvent(base, alice.token, { automod: { spam: 'high' } });
    assert.equal((await post(base, bob.token, high, 'cheap marmalade deals')).status, 422, 'likely blocks at high');
    const off = await createEvent(base, alice.token, { automod: { spam: 'off' } });
    assert.equal((await post(base, alice.token, off, 'cheap marmalade deals')).status, 201, 'ignored when off');
    assert.equal(held.scores['hook.threats'], 0.2, 'other categories kept for review');

    const sent = classifier.sent().find((c) => c.text === 'what a lovely match');
    assert.ok(sent, 'the classifier saw the comment');
    assert.equal(sent.eventId, eventId);
    assert.equal(sent.authorId, bob.id);
    assert.equal(sent.newAuthor, true);
    assert.deepEqual(sent.reasons, []);
  });

  test('not asked when the rules already blocked, nor when the event turns it off', async () => {
    classifier.mode = 'score';
    const eventId = await createEvent(base, alice.token, { blockedTerms: ['forbidden'] });
    assert.equal((await post(base, bob.token, eventId, 'a forbidden tangerine word')).status, 422);
    assert.ok(!classifier.sent().some((c) => c.text.includes('forbidden')));

    const off = await createEvent(base, alice.token, { moderationHook: 'off' });
    assert.equal((await post(base, bob.token, off, 'quiet tangerine here')).status, 201);
    assert.ok(!classifier.sent().some((c) => c.text.includes('quiet')));
  });

  test('a late answer: fail-open publishes, fail-closed holds with classifier_unavailable', async () => {
    classifier.mode = 'slow';
    const timeouts = await metric(base, 'lc_moderation_hook_failures_total{kind="timeout"}');
    const open = await createEvent(base, alice.token, { moderationHook: 'fail-open' });
    const closed = await createEvent(base, alice.token, { moderationHook: 'fail-closed' });
    assert.equal((await post(base, bob.token, open, 'late but fine tangerine')).status, 201);
    const held = await post(base, bob.token, closed, 'late and held');
    assert.equal(held.status, 202);
    const queue = await api(base, 'GET', `/v1/events/${closed}/review`, { token: mod.token });
    assert.deepEqual(queue.body.items[0].reasons, ['classifier_unavailable']);
    assert.equal(await metric(base, 'lc_moderation_hook_failures_total{kind="timeout"}'), timeouts + 2);
  });

  test('a failing or malformed answer counts as an error', async () => {
    const closed = await createEvent(base, alice.token, { moderationHook: 'fail-closed' });
    const errors = await metric(base, 'lc_moderation_hook_failures_total{kind="error"}');
    classifier.mode = 'error';
    assert.equal((await post(base, bob.token, closed, 'server down')).status, 202);
    classifier.mode = 'malformed';
    assert.equal((await post(base, bob.token, closed, 'answer short')).status, 202);
    classifier.mode = 'score';
    assert.equal((await post(base, bob.token, closed, 'all well again')).status, 201);
    assert.equal(await metric(base, 'lc_moderation_hook_failures_total{kind="error"}'), errors + 2);
  });

  test('its latency is on /metrics', async () => {
    classifier.mode = 'score';
    const before = await metric(base, 'lc_moderation_hook_seconds_count');
    const eventId = await createEvent(base, alice.token);
    assert.equal((await post(base, bob.token, eventId, 'counted')).status, 201);
    assert.equal(await metric(base, 'lc_moderation_hook_seconds_count'), before + 1);
  });

  test('comments arriving together go in one request, up to the cap', async () => {
    classifier.mode = 'score';
    const hook = new ClassifierHook({ url: classifier.url, timeoutMs: 2000, batchMs: 5, maxBatch: 8 });
    const from = classifier.requests.length;
    const texts = Array.from({ length: 20 }, (_, i) => (i === 7 ? `tangerine ${i}` : `comment ${i}`));
    const outcomes = await Promise.all(
      texts.map((text) => hook.classify({ eventId: 'e', authorId: 'u', text, newAuthor: false, reasons: [] })),
    );
    const sizes = classifier.requests.slice(from).map((r) => r.length);
    assert.deepEqual(sizes, [8, 8, 4]);
    // Each answer goes back to its own comment.
    assert.deepEqual(
      outcomes.map((o) => ('scores' in o ? o.scores.toxicity : -1)),
      texts.map((t) => (t.startsWith('tangerine') ? 0.95 : 0.01)),
    );
  });
});
