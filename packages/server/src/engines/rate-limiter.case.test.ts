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
  });
}
