// The contract every Presence must keep, as one suite that takes a factory.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ContractOptions, type EngineHarness, keyMaker, useHarness } from '../../test/contract.js';
import { waitFor } from '../../test/wait.js';
import type { Presence } from './presence.js';

/** Opens presence instances, one per simulated node, on one medium. */
export interface PresenceHarness extends EngineHarness<Presence> {
  /** Makes a node stop as a crash would: no cleanup, no more heartbeats. */
  crash?(presence: Presence): Promise<void>;
}

/** Options of the suite. */
export type PresenceContractOptions = ContractOptions;

const eventId = keyMaker('presence');

/** Runs the Presence contract against the instances a harness opens. */
export function presenceContract(
  name: string,
  setup: () => Promise<PresenceHarness>,
  options: PresenceContractOptions,
): void {
  describe(`Presence contract: ${name}`, () => {
    let harness: PresenceHarness;
    let a: Presence;

    useHarness(setup, (h, first) => {
      harness = h;
      a = first;
    });

    test('report sets, replaces and removes a node count', async () => {
      const ev = eventId();
      assert.equal(await a.count(ev), 0);
      await a.report(ev, 3);
      assert.equal(await a.count(ev), 3);
      await a.report(ev, 5);
      assert.equal(await a.count(ev), 5);
      await a.report(ev, 0);
      assert.equal(await a.count(ev), 0);
    });

    if (options.multiNode) {
      test('counts of all nodes add up; a closed node stops counting', async () => {
        const ev = eventId();
        const b = await harness.open();
        await a.report(ev, 2);
        await b.report(ev, 7);
        assert.equal(await a.count(ev), 9);
        assert.equal(await b.count(ev), 9);
        await b.close();
        assert.equal(await a.count(ev), 2);
      });

      test('a node that dies stops counting after the expiry', async (t) => {
        if (!harness.crash) return t.skip('no way to crash this presence');
        const ev = eventId();
        const b = await harness.open();
        await a.report(ev, 1);
        await b.report(ev, 4);
        assert.equal(await a.count(ev), 5);
        await harness.crash(b);
        await waitFor(async () => (await a.count(ev)) === 1, 'the dead node to expire', 5000, 50);
        // The live node's count outlives the expiry thanks to its heartbeat.
        assert.equal(await a.count(ev), 1);
      });
    }
  });
}
