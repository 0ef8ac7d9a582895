/**
 * One timer per key (an event's pin expiry, a poll's end), replaced when armed again. Timers do
 * not hold the process open; `clear` stops them all (at shutdown).
 */
export class KeyedTimers {
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();

  /** Runs `fire` at `at` (epoch ms) unless the key is armed for that time already. */
  arm(key: string, at: number, fire: () => void): void {
    const armed = this.timers.get(key);
    if (armed?.at === at) return;
    if (armed) clearTimeout(armed.timer);
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        fire();
      },
      Math.max(0, at - Date.now()),
    );
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** Whether the key has a timer. */
  has(key: string): boolean {
    return this.timers.has(key);
  }

  disarm(key: string): void {
    const armed = this.timers.get(key);
    if (!armed) return;
    clearTimeout(armed.timer);
    this.timers.delete(key);
  }

  clear(): void {
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
