// The SDK's replay player against the real server, paced by a fake clock: the order comments
// come in, when (play, pause, speed), what a seek shows, and removals left out.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Comment } from '@livecomments/protocol';
import { LiveCommentsApi, type ReplayClock, ReplayPlayer } from '../src/index.js';
import { startServer, type TestServer, token } from './harness.js';

/** A clock that moves only when told; due timers run in order as it passes them. */
class FakeClock implements ReplayClock {
  #now = 1_000_000;
  #timers = new Map<number, { at: number; fn: () => void }>();
  #ids = 0;

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#ids;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /** Moves `ms` forward, running each timer at its time. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const t of this.#timers) if (t[1].at <= end && (!next || t[1].at < next[1].at)) next = t;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = next[1].at;
      next[1].fn();
    }
    this.#now = end;
  }
}

const HOUR = 3_600_000;

describe('client SDK: replay player', () => {
  let server: TestServer;
  let owner: string;
  let bot: string;
  let eventId: string;
  const ids: Record<string, string> = {};

  before(async () => {
    server = await startServer();
    owner = await token(server.url, 'Olive');
    bot = await token(server.url, 'Bot', 'service');
    const ownerApi = new LiveCommentsApi({ baseUrl: server.url, token: owner });
    const event = await ownerApi.request<{ id: string }>('POST', '/v1/events', {
      title: 'Replayed',
      settings: { mediaStartedAt: Date.now() - HOUR },
    });
    eventId = event.id;
    const botApi = new LiveCommentsApi({ baseUrl: server.url, token: bot });
    const plan: [string, number][] = [
      ['one', 1000],
      ['two-a', 2000],
      ['gone', 2500],
      ['two-b', 2000],
      ['five', 5000],
      ['nine', 9000],
    ];
    for (const [text, mediaTimeMs] of plan) {
      const res = await botApi.postComment(eventId, { text, clientId: text, mediaTimeMs });
      ids[text] = res.comment.id;
    }
    await ownerApi.deleteComment(eventId, ids.gone!);
    await ownerApi.request('POST', `/v1/events/${eventId}/end`);
  });
  after(() => server.close());

  function player(clock: FakeClock, pageSize = 2) {
    const p = new ReplayPlayer(eventId, { baseUrl: server.url, clock, pageSize });
    const seen: string[] = [];
    const resets: string[][] = [];
    p.on('comment', (c: Comment) => seen.push(c.text));
    p.on('reset', (shown: Comment[]) => resets.push(shown.map((c) => c.text)));
    return { p, seen, resets };
  }

  /** Advances the clock, letting each page read (a real request) land before going on. */
  async function run(clock: FakeClock, p: ReplayPlayer, ms: number, step = 250): Promise<void> {
    for (let done = 0; done < ms; done += step) {
      await p.idle();
      clock.advance(Math.min(step, ms - done));
    }
    await p.idle();
  }

  test('comments come in media-time order, each when the clock reaches it, paced by speed', async () => {
    const clock = new FakeClock();
    const { p, seen, resets } = player(clock);
    try {
      await p.seek(0);
      assert.deepEqual(resets, [[]]);
      p.play();
      await run(clock, p, 999);
      assert.deepEqual(seen, [], 'nothing before its time');
      await run(clock, p, 1);
      assert.deepEqual(seen, ['one']);
      await run(clock, p, 1000);
      assert.deepEqual(seen, ['one', 'two-a', 'two-b'], 'ties in the order they were posted');
      p.pause();
      await run(clock, p, 60_000);
      assert.deepEqual(seen, ['one', 'two-a', 'two-b'], 'paused: nothing comes');
      assert.equal(p.positionMs, 2000);
      p.play();
      p.setSpeed(2);
      await run(clock, p, 1499);
      assert.deepEqual(seen, ['one', 'two-a', 'two-b'], 'at 2x, 3 s of media take 1.5 s');
      await run(clock, p, 1);
      assert.deepEqual(seen, ['one', 'two-a', 'two-b', 'five']);
      await run(clock, p, 2000);
      assert.deepEqual(seen, ['one', 'two-a', 'two-b', 'five', 'nine'], 'the deleted one never comes');
      assert.equal(p.positionMs, 9000);
    } finally {
      p.close();
    }
  });

  test('a seek shows the comments before the position and plays on from it, across deletions', async () => {
    const clock = new FakeClock();
    const { p, seen, resets } = player(clock);
    try {
      await p.seek(4000);
      assert.deepEqual(resets, [['one', 'two-a', 'two-b']], 'the deleted comment at 2.5 s is not shown');
      p.play();
      await run(clock, p, 1000);
      assert.deepEqual(seen, ['five']);
      // Back over the deleted comment: the context again, then on.
      await p.seek(2400);
      assert.deepEqual(resets.at(-1), ['one', 'two-a', 'two-b']);
      seen.length = 0;
      await run(clock, p, 2600);
      assert.deepEqual(seen, ['five']);
      // Forward past everything but the last.
      await p.seek(8999);
      assert.deepEqual(resets.at(-1), ['one', 'two-a', 'two-b', 'five']);
      seen.length = 0;
      await run(clock, p, 1);
      assert.deepEqual(seen, ['nine']);
    } finally {
      p.close();
    }
  });

  test('a live event watched behind: caught up, the player asks again and plays what came since', async () => {
    const ownerApi = new LiveCommentsApi({ baseUrl: server.url, token: owner });
    const botApi = new LiveCommentsApi({ baseUrl: server.url, token: bot });
    const live = await ownerApi.request<{ id: string }>('POST', '/v1/events', {
      title: 'Still live',
      settings: { mediaStartedAt: Date.now() - HOUR },
    });
    await botApi.postComment(live.id, { text: 'first', clientId: 'f1', mediaTimeMs: 1000 });
    const clock = new FakeClock();
    const p = new ReplayPlayer(live.id, { baseUrl: server.url, clock, pageSize: 2, followMs: 1000 });
    const seen: string[] = [];
    p.on('comment', (c: Comment) => seen.push(c.text));
    try {
      await p.seek(0);
      p.play();
      await run(clock, p, 1500);
      assert.deepEqual(seen, ['first']);
      await botApi.postComment(live.id, { text: 'second', clientId: 'f2', mediaTimeMs: 3000 });
      await botApi.postComment(live.id, { text: 'earlier than now', clientId: 'f3', mediaTimeMs: 2000 });
      await run(clock, p, 1499);
      assert.deepEqual(seen, ['first', 'earlier than now'], 'read at the next follow, played at its time');
      await run(clock, p, 1);
      assert.deepEqual(seen, ['first', 'earlier than now', 'second']);
    } finally {
      p.close();
    }
  });

  test('a short context window and a small limit show only the latest before the position', async () => {
    const clock = new FakeClock();
    const p = new ReplayPlayer(eventId, { baseUrl: server.url, clock, contextMs: 3500, contextMax: 2 });
    const resets: string[][] = [];
    p.on('reset', (shown: Comment[]) => resets.push(shown.map((c) => c.text)));
    try {
      await p.seek(5000);
      assert.deepEqual(resets, [['two-b', 'five']], 'from 1.5 s, the latest two');
    } finally {
      p.close();
    }
  });
});
