// The contract every RecentSet must keep, as one suite that takes a factory.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sleep } from '../../test/wait.js';
import type { RecentSet } from './recent-set.js';

/** Opens recent sets, one per simulated node, on one medium. */
export interface RecentSetHarness {
  open(): Promise<RecentSet>;
  destroy(): Promise<void>;
}

/** Options of the suite. */
export interface RecentSetContractOptions {
  /** Sets from separate `open` calls share their keys. */
  multiNode: boolean;
}

let n = 0;
function key(): string {
  n += 1;
  return `rs-${process.pid}-${Date.now().toString(36)}-${n}`;
}

/** Runs the RecentSet contract against the sets a harness opens. */
export function recentSetContract(
  name: string,
  setup: () => Promise<RecentSetHarness>,
  options: RecentSetContractOptions,
): void {
  describe(`RecentSet contract: ${name}`, () => {
    let harness: RecentSetHarness;
    let a: RecentSet;

    before(async () => {
      harness = await setup();
      a = await harness.open();
    });
    after(async () => {
      await a?.close();
      await harness?.destroy();
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
