// The owner's analytics over real nodes (SQLite, and PostgreSQL): after chat, holds, blocks,
// deletions, decisions and reactions, the answer of GET /v1/events/:id/analytics equals what the
// log and the moderation log hold; a restarted node resumes without counting anything twice; only
// those who run the event may read it.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Entry } from '@livecomments/protocol';
import type { Config } from '../src/config/config.js';
import { createTestSchema, type TestSchema } from './services.js';
import { api, createEvent, devToken, post, startNode, type TestNode, WsViewer } from './support.js';
import { waitFor } from './wait.js';

const FAST: Partial<Config> = {
  analyticsFlushMs: 100,
  aggregateWindowMs: 50,
  presenceMs: 100,
  userRatePerMinute: 0,
};

/** Every entry of an event's log. */
async function logOf(base: string, eventId: string): Promise<Entry[]> {
  const all: Entry[] = [];
  for (;;) {
    const page = await api(base, 'GET', `/v1/events/${eventId}/comments?after=${all.length}&limit=500`);
    assert.equal(page.status, 200);
    all.push(...page.body.items);
    if (page.body.items.length === 0 || all.length >= page.body.lastSeq) return all;
  }
}

/** What the log says: comments, unique chatters, comments by user, deletions. */
function countsOf(log: Entry[]) {
  const byUser = new Map<string, number>();
  let deleted = 0;
  for (const e of log) {
    if (e.type === 'comment') byUser.set(e.comment.user.id, (byUser.get(e.comment.user.id) ?? 0) + 1);
    if (e.type === 'delete') deleted++;
  }
  const comments = [...byUser.values()].reduce((a, b) => a + b, 0);
  return { comments, uniqueChatters: byUser.size, byUser, deleted };
}

/** The analytics' own sums over their minutes agree with their totals. */
function assertMinutesAddUp(body: any): void {
  const sum = (key: string) => body.minutes.reduce((n: number, m: any) => n + m[key], 0);
  assert.equal(sum('comments'), body.totals.comments);
  assert.equal(sum('newChatters'), body.totals.uniqueChatters);
  assert.equal(sum('held'), body.totals.held);
  assert.equal(sum('blocked'), body.totals.blocked);
  assert.equal(sum('deleted'), body.totals.deleted);
  assert.equal(sum('reactions'), body.totals.reactions);
  assert.equal(Math.max(0, ...body.minutes.map((m: any) => m.viewers)), body.totals.peakViewers);
}

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`analytics (${store})`, () => {
    let schema: TestSchema | undefined;
    let node: TestNode;
    let config: Partial<Config>;
    let dataDir: string;

    before(async () => {
      schema = store === 'postgres' ? await createTestSchema('lc_analytics') : undefined;
      config = { ...FAST, ...(schema ? { databaseUrl: schema.url } : {}) };
      node = await startNode(config);
      dataDir = node.dataDir;
    });
    after(async () => {
      await node?.stop();
      await schema?.drop();
    });

    test('analytics sums equal counts from the log, and survive a restart without double counting', async () => {
      let base = node.url;
      const owner = await devToken(base, 'owner');
      const users = await Promise.all(['ann', 'bob', 'cy', 'dee'].map((n) => devToken(base, n)));
      const eventId = await createEvent(base, owner.token, {
        rateLimitPerMinute: 0,
        linkPolicy: 'hold',
        blockedTerms: ['zzzap'],
      });
      const viewer = await WsViewer.open(base, eventId);
      const posted: string[] = [];
      try {
        for (const [i, n] of [3, 2, 1, 5].entries()) {
          for (let k = 0; k < n; k++) {
            const res = await post(base, users[i]!.token, eventId, `hello ${k} from ${i}`);
            assert.equal(res.status, 201, JSON.stringify(res.body));
            posted.push(res.body.comment.id);
          }
        }
        const heldFrom = Date.now();
        const held1 = await post(base, users[0]!.token, eventId, 'slides at https://example.org/a');
        const held2 = await post(base, users[1]!.token, eventId, 'more at https://example.net/b');
        assert.deepEqual([held1.status, held2.status], [202, 202]);
        assert.equal((await post(base, users[2]!.token, eventId, 'zzzap you')).status, 422);
        // The author deletes one, the owner another; one held comment approved, one rejected.
        assert.equal(
          (await api(base, 'DELETE', `/v1/events/${eventId}/comments/${posted[0]}`, { token: users[0]!.token })).status,
          204,
        );
        assert.equal(
          (await api(base, 'DELETE', `/v1/events/${eventId}/comments/${posted[5]}`, { token: owner.token })).status,
          204,
        );
        for (const [held, action] of [
          [held1, 'approve'],
          [held2, 'reject'],
        ] as const) {
          const res = await api(base, 'POST', `/v1/events/${eventId}/review/${held.body.comment.id}`, {
            token: owner.token,
            body: { action },
          });
          assert.equal(res.status, 200, JSON.stringify(res.body));
        }
        for (const u of users.slice(0, 3)) {
          const res = await api(base, 'POST', `/v1/events/${eventId}/reactions`, {
            token: u.token,
            body: { emoji: '🔥' },
          });
          assert.equal(res.status, 202, JSON.stringify(res.body));
        }

        const read = () => api(base, 'GET', `/v1/events/${eventId}/analytics`, { token: owner.token });
        // Viewer counts are sampled at the presence tick, reactions reach the store per window.
        await waitFor(async () => {
          const b = (await read()).body;
          return b.totals.peakViewers >= 1 && b.totals.reactions === 3;
        }, 'viewers and reactions counted');
        const res = await read();
        assert.equal(res.status, 200);
        assert.equal(res.headers.get('cache-control'), 'private, no-store');
        const body = res.body;
        const log = countsOf(await logOf(base, eventId));
        assert.equal(log.comments, 12, '11 published and 1 approved');
        assert.deepEqual(
          {
            comments: body.totals.comments,
            uniqueChatters: body.totals.uniqueChatters,
            deleted: body.totals.deleted,
            held: body.totals.held,
            blocked: body.totals.blocked,
            approved: body.totals.approved,
            rejected: body.totals.rejected,
          },
          {
            comments: log.comments,
            uniqueChatters: log.uniqueChatters,
            deleted: log.deleted,
            held: 2,
            blocked: 1,
            approved: 1,
            rejected: 1,
          },
        );
        assert.deepEqual(body.reasons.deleted, { author: 1, moderator: 1 });
        assert.equal(body.reasons.held.link, 2);
        assert.deepEqual(body.reasons.blocked, { blocked_term: 1 });
        // Two decisions, each made after its hold and before this read.
        assert.equal(
          body.minutes.reduce((n: number, m: any) => n + m.decisions, 0),
          2,
        );
        assert.ok(body.totals.maxDecisionMs <= Date.now() - heldFrom, `longest review ${body.totals.maxDecisionMs} ms`);
        assert.ok(body.totals.avgDecisionMs <= body.totals.maxDecisionMs);
        const top = [...log.byUser].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
        assert.deepEqual(
          body.topChatters.map((c: any) => [c.userId, c.comments]),
          top,
        );
        assert.equal(body.topChatters[0].name, 'dee');
        assert.equal(body.countedSeq, (await logOf(base, eventId)).length);
        assertMinutesAddUp(body);
      } finally {
        await viewer.close();
      }

      // A restart: the new node resumes from the stored cursor; nothing is counted twice.
      await node.stop(true);
      node = await startNode({ ...config, dataDir });
      base = node.url;
      for (let k = 0; k < 3; k++) assert.equal((await post(base, users[3]!.token, eventId, `back ${k}`)).status, 201);
      const again = (await api(base, 'GET', `/v1/events/${eventId}/analytics`, { token: owner.token })).body;
      const log = countsOf(await logOf(base, eventId));
      assert.equal(log.comments, 15);
      assert.equal(again.totals.comments, log.comments);
      assert.equal(again.totals.uniqueChatters, log.uniqueChatters);
      assert.equal(again.totals.deleted, log.deleted);
      assert.equal(again.totals.held, 2);
      assert.equal(again.totals.reactions, 3);
      assert.equal(again.topChatters[0].comments, log.byUser.get(users[3]!.id));
      assertMinutesAddUp(again);
    });

    test('only the owner, the event moderators and admins read analytics; the query is checked', async () => {
      const base = node.url;
      const [owner, modUser, stranger, staff, admin] = await Promise.all([
        devToken(base, 'sue'),
        devToken(base, 'max'),
        devToken(base, 'eve'),
        devToken(base, 'mia', 'moderator'),
        devToken(base, 'ada', 'admin'),
      ]);
      const eventId = await createEvent(base, owner.token);
      const path = `/v1/events/${eventId}/analytics`;
      assert.equal((await api(base, 'GET', path)).status, 401);
      const refused = await api(base, 'GET', path, { token: stranger.token });
      assert.equal(refused.status, 403);
      assert.equal(refused.body.error.code, 'forbidden');
      assert.equal((await api(base, 'GET', path, { token: modUser.token })).status, 403);
      const appointed = await api(base, 'PUT', `/v1/events/${eventId}/moderators/${modUser.id}`, {
        token: owner.token,
        body: {},
      });
      assert.ok(appointed.status < 300, JSON.stringify(appointed.body));
      for (const who of [owner, modUser, staff, admin]) {
        const res = await api(base, 'GET', path, { token: who.token });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal(res.body.totals.comments, 0);
      }
      assert.equal((await api(base, 'GET', '/v1/events/nope/analytics', { token: owner.token })).status, 404);
      const now = Date.now();
      for (const query of ['top=0', 'top=101', 'from=x', `from=${now}&to=${now - 120_000}`, `from=0&to=${now}`]) {
        const res = await api(base, 'GET', `${path}?${query}`, { token: owner.token });
        assert.equal(res.status, 400, query);
        assert.equal(res.body.error.code, 'invalid_request');
      }
      const windowed = await api(base, 'GET', `${path}?from=${now - 10 * 60_000}&to=${now}&top=3`, {
        token: owner.token,
      });
      assert.equal(windowed.status, 200);
      // Whole minutes: from the one holding `from` to the one holding `to`.
      const from = now - 10 * 60_000;
      const expected = (Math.ceil(now / 60_000) - Math.floor(from / 60_000)) * 60_000;
      assert.equal(windowed.body.minutes.length * 60_000, expected);
      assert.equal(windowed.body.minutes[0].t, from - (from % 60_000));
    });
  });
}
