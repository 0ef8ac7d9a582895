/**
 * Keys remembered for a while, for duplicate detection (unique chat, repeated text). Atomic
 * check-and-add across nodes.
 */
export interface RecentSet {
  /** Adds the key for `ttlMs`; true when it was absent (or expired), false when already there. */
  addIfAbsent(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}
