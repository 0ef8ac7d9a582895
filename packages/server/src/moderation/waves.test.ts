// Copy-paste waves over both RecentSet engines: the memory one (one node) and Redis (two nodes).
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Redis } from 'ioredis';
import { runId, testRedis } from '../../test/services.js';
import type { RecentSet } from '../engines/recent-set.js';
import { MemoryRecentSet } from '../engines/recent-set.memory.js';
import { createRedisRecentSet } from '../engines/recent-set.redis.js';
import { DEFAULT_SETTINGS } from '../events/settings.js';
import { createModerator } from './index.js';
import type { ModerationInput, Moderator } from './moderator.js';
import { checkWave, WAVE, waveKey } from './waves.js';

const TEXT = 'this is the best concert I have seen all year honestly';
// The same text as people paste it: case, punctuation, a mention, stretched letters.
const COPIES = [
  TEXT,
  'THIS is the best concert I have seen all year, honestly!!',
  '@bob this is the best concert i have seen all yearrr honestly',
  'this is the best concert I have seen all year honestly 🎶',
];

test('near-duplicates share a wave key; short chat has none', () => {
  const keys = new Set(COPIES.slice(0, 3).map(waveKey));
  assert.equal(keys.size, 1);
  assert.notEqual(waveKey('this is the worst concert I have seen all year honestly'), waveKey(TEXT));
  for (const short of ['gg', 'LETS GOOOOO', 'F in chat', 'what a goal!!', 'W W W W W W W W W W'])
    assert.equal(waveKey(short), null, short);
});

test('the clock of the window: a wave ends when its keys expire', async () => {
  let now = 0;
  const recent = new MemoryRecentSet(() => now);
  const post = (userId: string) => checkWave(recent, { eventId: 'e', userId, text: TEXT }, 'medium', false);
  assert.equal(await post('a'), null);
  assert.equal(await post('b'), null);
  assert.deepEqual(await post('c'), { category: 'spam', kind: 'copy_wave', strength: 1 });
  now += WAVE.windowMs + 1;
  assert.equal(await post('d'), null, 'a new window starts counting again');
  assert.equal(await post('e'), null);
  assert.equal((await post('f'))?.kind, 'copy_wave');
  const signed = await checkWave(recent, { eventId: 'e', userId: 'g', text: TEXT }, 'medium', true);
  assert.equal(signed?.strength, 3, 'with another spam sign a wave is clear');
});

/** The wave cases, run against moderators that share one medium (one per simulated node). */
function waveSuite(name: string, open: () => Promise<{ recent: () => RecentSet; close: () => Promise<void> }>) {
  describe(`copy-paste waves: ${name}`, () => {
    let medium: { recent: () => RecentSet; close: () => Promise<void> };
    let nodes: Moderator[] = [];
    let event = '';
    const post = (i: number, text: string, userId: string, over: Partial<ModerationInput> = {}) =>
      nodes[i % nodes.length]!.check({
        eventId: event,
        user: { id: userId, name: userId },
        text,
        settings: DEFAULT_SETTINGS,
        now: 1_000_000,
        ...over,
      });
    const fresh = async () => {
      medium ??= await open();
      if (nodes.length === 0)
        nodes = [0, 1].map(() => createModerator({ dataDir: '/tmp/lc-waves-test', recent: medium.recent() }));
      event = `ev-${runId()}`;
    };
    after(async () => {
      for (const n of nodes) await n.close();
      await medium?.close();
    });

    test('fans pasting the same words pass at the default level; at high the third author is held, on any node', async () => {
      await fresh();
      for (let i = 0; i < COPIES.length; i++)
        assert.equal((await post(i, COPIES[i]!, `fan${i}`)).verdict, 'approve', 'a crowd in the same words is chat');
      event = `ev-${runId()}`;
      const high = { ...DEFAULT_SETTINGS, automod: { spam: 'high' as const } };
      const verdicts = [];
      for (let i = 0; i < COPIES.length; i++) verdicts.push(await post(i, COPIES[i]!, `user${i}`, { settings: high }));
      assert.deepEqual(
        verdicts.map((r) => r.verdict),
        ['approve', 'approve', 'hold', 'hold'],
      );
      assert.ok(verdicts[2]!.reasons.includes('spam:copy_wave'), JSON.stringify(verdicts[2]));
      assert.ok(!verdicts[1]!.reasons.includes('spam:copy_wave'));
    });

    test('one author repeating, short chants and other events do not make a wave', async () => {
      await fresh();
      assert.equal((await post(0, TEXT, 'solo')).verdict, 'approve');
      await post(1, TEXT, 'solo'); // a repeat (blocked as such), not a second author
      assert.equal((await post(0, TEXT, 'second')).verdict, 'approve');
      for (let i = 0; i < 6; i++) assert.equal((await post(i, 'LETS GOOOO', `fan${i}`)).verdict, 'approve');
      const other = `${event}-other`;
      assert.equal((await post(1, TEXT, 'third', { eventId: other })).verdict, 'approve');
    });

    test('levels: high holds a wave, low lets it through', async () => {
      await fresh();
      const high = { ...DEFAULT_SETTINGS, automod: { spam: 'high' as const } };
      await post(0, TEXT, 'h1', { settings: high });
      await post(1, TEXT, 'h2', { settings: high });
      const third = await post(0, TEXT, 'h3', { settings: high });
      assert.equal(third.verdict, 'hold');
      assert.ok(third.reasons.includes('spam:copy_wave'));
      event = `ev-${runId()}`;
      const low = { ...DEFAULT_SETTINGS, automod: { spam: 'low' as const } };
      for (let i = 0; i < 4; i++) assert.equal((await post(i, TEXT, `l${i}`, { settings: low })).verdict, 'approve');
    });
  });
}

waveSuite('memory', async () => {
  const shared = new MemoryRecentSet();
  return { recent: () => shared, close: () => shared.close() };
});

waveSuite('redis', async () => {
  const prefix = `lc:test:${runId()}:waves:`;
  const clients: Redis[] = [];
  return {
    recent: () => {
      const redis = testRedis();
      clients.push(redis);
      return createRedisRecentSet(redis, { prefix });
    },
    close: async () => {
      for (const c of clients) c.disconnect();
    },
  };
});
