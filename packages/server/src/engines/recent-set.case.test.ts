// The contract every RecentSet must keep, as one suite that takes a factory.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ContractOptions, type EngineHarness, keyMaker, useHarness } from '../../test/contract.js';
import { sleep } from '../../test/wait.js';
import type { RecentSet } from './recent-set.js';

/** Opens recent sets, one per simulated node, on one medium. */
export type RecentSetHarness = EngineHarness<RecentSet>;

/** Options of the suite. */
export type RecentSetContractOptions = ContractOptions;

const key = keyMaker('rs');

/** Runs the RecentSet contract against the sets a harness opens. */
export function recentSetContract(
  name: string,
  setup: () => Promise<RecentSetHarness>,
  options: RecentSetContractOptions,
): void {
  describe(`RecentSet contract: ${name}`, () => {
    let harness: RecentSetHarness;
    let a: RecentSet;

    useHarness(setup, (h, first) => {
      harness = h;
      a = first;
    });

    test('adds once until the key expires', async () => {
      const k = key();
      assert.equal(await a.addIfAbsent(k, 100), true);
      assert.equal(await a.addIfAbsent(k, 100), false);
      await sleep(130);
      assert.equal(await a.addIfAbsent(k, 100), true);
    });

    test('exactly one of many concurrent adds wins', async () => {
      const k = key();
      const sets = options.multiNode ? [a, await harness.open(), await harness.open()] : [a];
      const wins = await Promise.all(
        Array.from({ length: 20 }, (_, i) => sets[i % sets.length]!.addIfAbsent(k, 10_000)),
      );
      assert.equal(wins.filter(Boolean).length, 1);
      for (const s of sets.slice(1)) await s.close();
    });
  });
}
