// What both SQL stores share of the chat archive: how log entries change the index, and the
// row of a recorded erasure.
import type { Entry } from '@livecomments/protocol';
import type { ErasureRecord, SearchStatus } from './search.js';

/** A row of `erasures` (both stores). */
export interface ErasureRow {
  user_id: string;
  by_id: string;
  at: number | string;
  reason: string | null;
  comments: number | string;
  events: number | string;
}

/** An erasure record from its row. */
export function erasureFromRow(r: ErasureRow): ErasureRecord {
  const record: ErasureRecord = {
    userId: r.user_id,
    by: r.by_id,
    at: Number(r.at),
    comments: Number(r.comments),
    events: Number(r.events),
  };
  if (r.reason !== null) record.reason = r.reason;
  return record;
}

/** A comment as the index takes it. */
export interface IndexDoc {
  eventId: string;
  commentId: string;
  userId: string;
  createdAt: number;
  status: SearchStatus;
  seq: number | null;
  text: string;
}

/** The net effect of some log entries on the index: comments to add or publish, ids to remove. */
export function indexChanges(entries: readonly Entry[]): { add: IndexDoc[]; remove: string[] } {
  const changes = new Map<string, IndexDoc | null>();
  for (const entry of entries) {
    if (entry.type === 'comment') {
      const c = entry.comment;
      // Text removed (deleted, expired or erased before the index got here): nothing to find.
      if (c.text === '') changes.set(c.id, null);
      else {
        const doc: IndexDoc = {
          eventId: c.eventId,
          commentId: c.id,
          userId: c.user.id,
          createdAt: c.createdAt,
          status: 'published',
          seq: entry.seq,
          text: c.text,
        };
        changes.set(c.id, doc);
      }
    } else if (entry.type === 'delete') {
      changes.set(entry.commentId, null);
    }
  }
  const add: IndexDoc[] = [];
  const remove: string[] = [];
  for (const [id, doc] of changes) {
    if (doc) add.push(doc);
    else remove.push(id);
  }
  return { add, remove };
}
