// Erasure of a user's comments on request (docs/SECURITY.md "Erasure"): every comment of theirs
// in every event loses its text, and the erasure is recorded.
import type { Principal } from '../auth/auth.js';
import type { ChatArchive, ErasureRecord } from '../engines/search.js';
import type { AppendItem, AppendResult } from '../engines/store.js';
import { errors } from '../util/errors.js';

/** Comments (or moderation log entries) per round: each round is one short transaction or so. */
const ROUND = 200;
/** Rounds of each kind at most: 2,000,000 rows, more than anyone writes; the record says what went. */
const MAX_ROUNDS = 10_000;

/** What the erasure needs: the archive, and the log writer for `delete` entries. */
export interface ErasureServices {
  store: Pick<ChatArchive, 'publishedOf' | 'eraseHidden' | 'eraseActionText' | 'recordErasure' | 'listErasures'>;
  append(item: AppendItem): Promise<AppendResult>;
}

/**
 * Erases a user (admins only). Published comments are deleted through the log (a `delete`
 * entry each, as a moderator's delete: viewers' screens, webhooks and the search index follow);
 * held and rejected ones, which are not in the log, and the moderation log's copies of the text
 * lose their text in the store; the erasure is recorded with its counts. Every step goes in
 * rounds of `ROUND` rows, each its own short transaction, so a user with many comments never
 * holds the store's writer for long (others' posts go between the rounds). Repeating it is
 * harmless (it finds nothing more to remove, and records that).
 */
export class UserErasure {
  constructor(private readonly s: ErasureServices) {}

  async erase(actor: Principal, userId: string, reason?: string): Promise<ErasureRecord> {
    if (actor.role !== 'admin') throw errors.forbidden('only an admin may erase a user');
    const events = new Set<string>();
    let deleted = 0;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const found = await this.s.store.publishedOf(userId, ROUND);
      if (found.length === 0) break;
      // Appended side by side: the group committer puts them in a few transactions.
      await Promise.all(
        found.map(({ eventId, commentId }) => this.s.append({ eventId, entry: { type: 'delete', commentId } })),
      );
      for (const { eventId } of found) events.add(eventId);
      deleted += found.length;
    }
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const hidden = await this.s.store.eraseHidden(userId, ROUND);
      for (const { eventId } of hidden) events.add(eventId);
      deleted += hidden.length;
      if (hidden.length < ROUND) break;
    }
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if ((await this.s.store.eraseActionText(userId, ROUND)) < ROUND) break;
    }
    return this.s.store.recordErasure({
      userId,
      by: actor.id,
      at: Date.now(),
      ...(reason !== undefined && { reason }),
      deleted,
      eventIds: [...events],
    });
  }

  async list(actor: Principal, limit: number): Promise<ErasureRecord[]> {
    if (actor.role !== 'admin') throw errors.forbidden('only an admin may list erasures');
    return this.s.store.listErasures(limit);
  }
}
