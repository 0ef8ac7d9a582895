// The contract every RateLimiter must keep, as one suite that takes a factory.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ContractOptions, type EngineHarness, keyMaker, useHarness } from '../../test/contract.js';
import { sleep } from '../../test/wait.js';
import type { RateLimiter } from './rate-limiter.js';

/** Opens limiters, one per simulated node, on one medium. */
export type RateLimiterHarness = EngineHarness<RateLimiter>;

/** Options of the suite. */
export type RateLimiterContractOptions = ContractOptions;

const key = keyMaker('rl');

/** Runs the RateLimiter contract against the limiters a harness opens. */
export function rateLimiterContract(
  name: string,
  setup: () => Promise<RateLimiterHarness>,
  options: RateLimiterContractOptions,
): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let harness: RateLimiterHarness;
    let a: RateLimiter;

    useHarness(setup, (h, first) => {
      harness = h;
      a = first;
    });

    test('allows the burst, then refuses with the wait until the next token', async () => {
      const k = key();
      const rule = { intervalMs: 60_000, burst: 3 };
      for (let i = 0; i < 3; i++) assert.deepEqual(await a.take(k, rule), { ok: true });
      const refused = await a.take(k, rule);
      assert.equal(refused.ok, false);
      const wait = (refused as { retryAfterMs: number }).retryAfterMs;
      assert.ok(wait > 59_000 && wait <= 60_000, `retryAfterMs ${wait}`);
      // A refused take consumes nothing: the wait does not grow.
      const again = (await a.take(k, rule)) as { retryAfterMs: number };
      assert.ok(again.retryAfterMs <= wait, 'refusals are free');
      // Keys are independent.
      assert.equal((await a.take(key(), rule)).ok, true);
    });

    test('a token comes back after the interval', async () => {
      const k = key();
      const rule = { intervalMs: 150, burst: 1 };
      assert.equal((await a.take(k, rule)).ok, true);
      const refused = (await a.take(k, rule)) as { ok: false; retryAfterMs: number };
      assert.equal(refused.ok, false);
      assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 150);
      await sleep(refused.retryAfterMs + 5);
      assert.equal((await a.take(k, rule)).ok, true);
    });

    test('concurrent takes never exceed the burst', async () => {
      const k = key();
      const rule = { intervalMs: 60_000, burst: 5 };
      const limiters = options.multiNode ? [a, await harness.open(), await harness.open()] : [a];
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => limiters[i % limiters.length]!.take(k, rule)),
      );
      assert.equal(results.filter((r) => r.ok).length, 5);
      for (const l of limiters.slice(1)) await l.close();
    });

    test('takeAll takes from every bucket or from none', async () => {
      const user = key();
      const inEvent = key();
      const perEvent = { intervalMs: 60_000, burst: 1 };
      const perUser = { intervalMs: 60_000, burst: 3 };
      const both = [
        { key: inEvent, rule: perEvent },
        { key: user, rule: perUser },
      ];
      assert.deepEqual(await a.takeAll(both), { ok: true });
      const refused = (await a.takeAll(both)) as { ok: false; retryAfterMs: number };
      assert.equal(refused.ok, false);
      assert.ok(
        refused.retryAfterMs > 59_000 && refused.retryAfterMs <= 60_000,
        `retryAfterMs ${refused.retryAfterMs}`,
      );
      // The refusal spent nothing of the user's bucket: two of its three tokens are left.
      assert.equal((await a.take(user, perUser)).ok, true);
      assert.equal((await a.take(user, perUser)).ok, true);
      assert.equal((await a.take(user, perUser)).ok, false);
      // Now the user's bucket refuses, and a fresh event's bucket is not spent by the refusal.
      const other = key();
      assert.equal(
        (
          await a.takeAll([
            { key: other, rule: perEvent },
            { key: user, rule: perUser },
          ])
        ).ok,
        false,
      );
      assert.equal((await a.take(other, perEvent)).ok, true);
    });

    test('takeAll answers the longest wait of the buckets that refuse', async () => {
      const short = key();
      const long = key();
      const shortRule = { intervalMs: 1_000, burst: 1 };
      const longRule = { intervalMs: 120_000, burst: 1 };
      assert.equal((await a.take(short, shortRule)).ok, true);
      assert.equal((await a.take(long, longRule)).ok, true);
      const refused = (await a.takeAll([
        { key: short, rule: shortRule },
        { key: long, rule: longRule },
      ])) as { ok: false; retryAfterMs: number };
      assert.equal(refused.ok, false);
      assert.ok(refused.retryAfterMs > 119_000, `retryAfterMs ${refused.retryAfterMs}`);
    });

    test('concurrent takeAll over many events never exceeds the shared bucket', async () => {
      const user = key();
      const perUser = { intervalMs: 60_000, burst: 5 };
      const perEvent = { intervalMs: 60_000, burst: 5 };
      const limiters = options.multiNode ? [a, await harness.open(), await harness.open()] : [a];
      const events = Array.from({ length: 20 }, () => key());
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          limiters[i % limiters.length]!.takeAll([
            { key: events[i % events.length]!, rule: perEvent },
            { key: user, rule: perUser },
          ]),
        ),
      );
      assert.equal(results.filter((r) => r.ok).length, 5);
      for (const l of limiters.slice(1)) await l.close();
    });
  });
}
