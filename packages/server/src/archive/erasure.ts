// Erasure of a user's comments on request (docs/SECURITY.md "Erasure"): every comment of theirs
// in every event loses its text, and the erasure is recorded.
import type { Principal } from '../auth/auth.js';
import type { ChatArchive, ErasureRecord } from '../engines/search.js';
import type { AppendItem, AppendResult } from '../engines/store.js';
import { errors } from '../util/errors.js';

/** Published comments deleted per round. */
const ROUND = 200;

/** What the erasure needs: the archive, and the log writer for `delete` entries. */
export interface ErasureServices {
  store: Pick<ChatArchive, 'publishedOf' | 'eraseUser' | 'listErasures'>;
  append(item: AppendItem): Promise<AppendResult>;
}

/**
 * Erases a user (admins only). Published comments are deleted through the log (a `delete`
 * entry each, as a moderator's delete: viewers' screens, webhooks and the search index follow);
 * held and rejected ones, which are not in the log, and the moderation log's copies of the text
 * lose their text in the store; the erasure is recorded with its counts. Repeating it is
 * harmless (it finds nothing more to remove, and records that).
 */
export class UserErasure {
  constructor(private readonly s: ErasureServices) {}

  async erase(actor: Principal, userId: string, reason?: string): Promise<ErasureRecord> {
    if (actor.role !== 'admin') throw errors.forbidden('only an admin may erase a user');
    const events = new Set<string>();
    let deleted = 0;
    for (;;) {
      const found = await this.s.store.publishedOf(userId, ROUND);
      if (found.length === 0) break;
      // Appended side by side: the group committer puts them in a few transactions.
      await Promise.all(
        found.map(({ eventId, commentId }) => this.s.append({ eventId, entry: { type: 'delete', commentId } })),
      );
      for (const { eventId } of found) events.add(eventId);
      deleted += found.length;
    }
    return this.s.store.eraseUser({
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
