// What both SQL stores share of the chat archive: how log entries change the index, and the
// row of a recorded erasure.
import type { Entry } from '@livecomments/protocol';
import type { ErasureRecord, SearchQuery, SearchStatus } from './search.js';
import { SEARCH_SCAN_ROWS, SEARCH_TIME_MARGIN_MS } from './search.js';

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

/**
 * The positions a search page may walk, both exclusive: `above` < pos < `below`. `below` is the
 * cursor, or the first row at least a margin past `to`; `above` is the last row at least a margin
 * before `from` (0: none). The store finds those rows through its time index (`firstAtOrAfter`,
 * `lastBefore`), each one index probe.
 */
export interface SearchBounds {
  below: number;
  above: number;
}

/** The bounds of a search from its cursor and times, given the store's two time-index probes. */
export async function searchBounds(
  s: Pick<SearchQuery, 'cursor' | 'from' | 'to'>,
  firstAtOrAfter: (time: number) => Promise<number | null> | number | null,
  lastBefore: (time: number) => Promise<number | null> | number | null,
): Promise<SearchBounds> {
  let below = s.cursor ?? Number.MAX_SAFE_INTEGER;
  if (s.to !== undefined) {
    const pos = await firstAtOrAfter(s.to + SEARCH_TIME_MARGIN_MS);
    if (pos !== null) below = Math.min(below, pos);
  }
  let above = 0;
  if (s.from !== undefined && s.from > SEARCH_TIME_MARGIN_MS) {
    above = (await lastBefore(s.from - SEARCH_TIME_MARGIN_MS)) ?? 0;
  }
  return { below, above };
}

/** How many of the event's rows a page examines. */
export function scanOf(s: Pick<SearchQuery, 'scan'>): number {
  return Math.max(1, s.scan ?? SEARCH_SCAN_ROWS);
}

/**
 * The page of hits found in the window: `rows` (up to limit + 1, newest first, each with its
 * position), `floor` the position the window stopped above (null: it reached `above`, nothing is
 * left below). The next page continues below the last hit when the page is full, else below the
 * window.
 */
export function pageOf<R extends { pos: number | string }, H>(
  rows: readonly R[],
  limit: number,
  floor: number | null,
  hit: (row: R) => H,
): { items: H[]; next?: number } {
  const page: { items: H[]; next?: number } = { items: rows.slice(0, limit).map(hit) };
  if (rows.length > limit) page.next = Number(rows[limit - 1]!.pos);
  else if (floor !== null) page.next = floor + 1;
  return page;
}
