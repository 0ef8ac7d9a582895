// Shared scaffolding of the engine contract suites (`engines/*.case.test.ts`).
import { after, before } from 'node:test';

/** Opens engine instances, one per simulated node, on one shared medium. */
export interface EngineHarness<T> {
  open(): Promise<T>;
  destroy(): Promise<void>;
}

/** Options of a contract suite. */
export interface ContractOptions {
  /** Instances from separate `open` calls share their state (several nodes, one medium). */
  multiNode: boolean;
}

/** Makes keys that no other run or test uses. */
export function keyMaker(prefix: string): () => string {
  let n = 0;
  return () => {
    n += 1;
    return `${prefix}-${process.pid}-${Date.now().toString(36)}-${n}`;
  };
}

/**
 * Sets up the harness and its first instance before the suite's tests (handing both to `bind`),
 * and closes and destroys them after.
 */
export function useHarness<H extends EngineHarness<{ close(): Promise<void> }>>(
  setup: () => Promise<H>,
  bind: (harness: H, first: Awaited<ReturnType<H['open']>>) => void,
): void {
  let harness: H | undefined;
  let first: Awaited<ReturnType<H['open']>> | undefined;
  before(async () => {
    harness = await setup();
    first = (await harness.open()) as Awaited<ReturnType<H['open']>>;
    bind(harness, first);
  });
  after(async () => {
    await first?.close();
    await harness?.destroy();
  });
}
