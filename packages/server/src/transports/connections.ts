/** Open connections per client address, bounded (0 = no bound). */
export class ConnectionLimiter {
  private readonly open = new Map<string, number>();

  constructor(private readonly max: number) {}

  /** Takes a slot for `ip`; false when it has too many connections already. */
  acquire(ip: string): boolean {
    const n = this.open.get(ip) ?? 0;
    if (this.max > 0 && n >= this.max) return false;
    this.open.set(ip, n + 1);
    return true;
  }

  release(ip: string): void {
    const n = (this.open.get(ip) ?? 0) - 1;
    if (n > 0) this.open.set(ip, n);
    else this.open.delete(ip);
  }
}
