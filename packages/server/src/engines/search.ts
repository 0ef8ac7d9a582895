// The chat archive of an event: full-text search, export, retention and erasure of comment text.
// Both SQL stores implement it (store.sqlite.search.ts, store.postgres.search.ts); the words go
// through one tokenizer here, so both stores (and the tests' brute-force reference) agree.
import type { Comment } from '@livecomments/protocol';

/** The longest search text accepted, in characters. */
export const MAX_QUERY_CHARS = 200;
/** The most terms (words and quoted phrases) in one search. */
export const MAX_QUERY_TERMS = 8;
/** The most words in one quoted phrase. */
export const MAX_PHRASE_WORDS = 8;
/**
 * The most index rows of the event one search page examines by default (each store walks the
 * event's rows newest first from the cursor, and stops here with a `next` cursor even when the
 * page is not full): a search of words that never meet, or of a time range far back, costs the
 * same bounded time as any other page, and the client continues.
 */
export const SEARCH_SCAN_ROWS = 10_000;
/**
 * How far the index's order may lag the comments' times (an index catching up after an outage):
 * `from` and `to` narrow the rows walked through the index's time order with this margin, then
 * each row is checked against the exact times.
 */
export const SEARCH_TIME_MARGIN_MS = 60_000;
/** The longest word kept, in characters (longer ones are cut: a token, not an essay). */
const MAX_TOKEN_CHARS = 64;

// Letters and numbers in any script (marks stay with their letters): everything else separates.
// A single character class with `+`: linear, nothing to backtrack.
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const NONSPACING_MARK = /\p{Mn}+/gu;

/**
 * The words of a text as the search index keeps them: NFKD, non-spacing marks (accents) removed,
 * lower case, recomposed (NFC), split on anything that is not a letter, number or mark. "Café"
 * and "cafe" are one word, and so are full-width and ordinary letters. No stemming and no stop
 * words: chat is multilingual, and a stemmer or stop list of one language mangles the others
 * (the same reasoning as PostgreSQL's `simple` configuration).
 */
export function searchWords(text: string): string[] {
  const folded = text.normalize('NFKD').replace(NONSPACING_MARK, '').toLowerCase().normalize('NFC');
  const words = folded.match(WORD) ?? [];
  return words.map((w) => (w.length > MAX_TOKEN_CHARS ? w.slice(0, MAX_TOKEN_CHARS) : w));
}

/** A parsed search: every term must match; a term is one word or a phrase (consecutive words). */
export interface ParsedQuery {
  terms: string[][];
}

/** Why a search text was refused. */
export class QueryError extends Error {}

/**
 * Reads what a user typed: words, and phrases in double quotes ("good game"). Everything else is
 * a separator, so no operator or syntax of FTS5 or tsquery can come through (the stores build
 * their own query from these words). An unmatched quote runs to the end. Throws `QueryError`
 * when the text is too long or has too many terms or words in a phrase.
 */
export function parseQuery(q: string): ParsedQuery {
  if (q.length > MAX_QUERY_CHARS) throw new QueryError(`the search text is longer than ${MAX_QUERY_CHARS} characters`);
  const terms: string[][] = [];
  const parts = q.split('"');
  for (let i = 0; i < parts.length; i++) {
    const words = searchWords(parts[i]!);
    if (words.length === 0) continue;
    if (i % 2 === 1) {
      if (words.length > MAX_PHRASE_WORDS) throw new QueryError(`a phrase may have at most ${MAX_PHRASE_WORDS} words`);
      terms.push(words);
    } else {
      for (const w of words) terms.push([w]);
    }
  }
  // The same term twice adds nothing.
  const unique = [...new Map(terms.map((t) => [t.join(' '), t])).values()];
  if (unique.length > MAX_QUERY_TERMS) throw new QueryError(`a search may have at most ${MAX_QUERY_TERMS} terms`);
  return { terms: unique };
}

/** Whether a text's words contain every term (the reference both stores must agree with). */
export function matchesQuery(words: readonly string[], query: ParsedQuery): boolean {
  return query.terms.every(function hasTerm(term) {
    for (let i = 0; i + term.length <= words.length; i++) {
      let j = 0;
      while (j < term.length && words[i + j] === term[j]) j++;
      if (j === term.length) return true;
    }
    return false;
  });
}

/** The statuses a search may include: viewers see `published`; moderators may add the others. */
export type SearchStatus = 'published' | 'held' | 'rejected';

/** One search of one event's comments. Results come newest first. */
export interface SearchQuery {
  eventId: string;
  /** Terms to match (none: every comment that passes the other filters). */
  query: ParsedQuery;
  /** Only comments of this user id. */
  authorId?: string;
  /** Only comments created at or after this time (epoch ms). */
  from?: number;
  /** Only comments created before this time (epoch ms). */
  to?: number;
  statuses: readonly SearchStatus[];
  limit: number;
  /** The position after which to continue (from the previous page's `next`). */
  cursor?: number;
  /** The most index rows of the event to examine for this page (default `SEARCH_SCAN_ROWS`). */
  scan?: number;
}

/** A comment found, with where it stands. */
export interface SearchHit {
  comment: Comment;
  status: SearchStatus;
}

/**
 * A page of hits, newest first, and the cursor of the next page when there may be more: a page
 * may hold fewer hits than asked for, none at all, and still have a `next` (the rows it could
 * examine ran out before the page was full).
 */
export interface SearchPage {
  items: SearchHit[];
  next?: number;
}

/** One comment of an export: the comment as stored and its status. */
export interface ExportRow {
  comment: Omit<Comment, 'seq'> & { seq: number | null };
  /** Where it stands (`deleted` ones have no text left). */
  status: SearchStatus | 'deleted';
}

/** What a user's erasure did. */
export interface ErasureRecord {
  userId: string;
  by: string;
  at: number;
  reason?: string;
  /** Comments whose text was removed. */
  comments: number;
  /** Events they were in. */
  events: number;
}

/** An erasure to record: who, by whom, and what the caller removed before, batch by batch. */
export interface ErasureRequest {
  userId: string;
  by: string;
  at: number;
  reason?: string;
  /**
   * Comments whose text went: published ones deleted through the log (`delete` entries) and
   * held or rejected ones erased by `eraseHidden`.
   */
  deleted: number;
  /** The events those were in. */
  eventIds: string[];
}

/**
 * The archive side of the store: the search index and what removes comment text.
 *
 * Guarantees: the index follows each event's log in seq order (`indexLog`), keeping its own
 * position per event, so a node that stopped, or two nodes indexing one event at once, neither
 * skip nor reorder entries (a `delete` is never overtaken by the comment it deletes). Held
 * comments are indexed when they are held (they are not in the log), and rejected ones keep
 * their place with status `rejected`. Removing text (retention, erasure, `delete`) removes the
 * comment from the index in the same transaction.
 */
export interface ChatArchive {
  /**
   * Indexes the log entries of an event after the index's position, at most `limit` of them, in
   * one transaction; returns how many it read (0: the index is up to date).
   */
  indexLog(eventId: string, limit: number): Promise<number>;
  /** Events whose log is ahead of the index, at most `limit`. */
  eventsBehind(limit: number): Promise<string[]>;
  /**
   * One page of a search: it examines at most `scan` of the event's index rows below the cursor
   * (the time range first narrowing where they start and end), whatever the words.
   */
  search(q: SearchQuery): Promise<SearchPage>;
  /**
   * One page of an event's comments for an export, in id order (ids sort by time): those with
   * an id above `after` ('' to start), at most `limit`, whatever their status.
   */
  exportPage(eventId: string, after: string, limit: number): Promise<ExportRow[]>;
  /**
   * Removes the text of comments created before their event's retention cut-off (the event's
   * `retentionDays`, else `defaultDays`; null: kept), at most `limit` comments; the comments,
   * their seqs, counts and likes stay. Returns how many lost their text.
   */
  expireText(now: number, defaultDays: number | null, limit: number): Promise<number>;
  /**
   * Published comments of a user in any event that still have text: at most `limit`, as
   * (event, comment id) pairs, for the caller to delete through the log.
   */
  publishedOf(userId: string, limit: number): Promise<{ eventId: string; commentId: string }[]>;
  /**
   * Removes the text of at most `limit` comments of a user that are not in the log (held,
   * rejected), and their index rows, in one short transaction; returns those it erased (fewer
   * than `limit`: none are left). An erasure calls it until then, so the writer is never held
   * for long by a user with many comments.
   */
  eraseHidden(userId: string, limit: number): Promise<{ eventId: string; commentId: string }[]>;
  /**
   * Removes the text of at most `limit` moderation log entries about a user (on them, or on one
   * of their comments), in one short transaction; returns how many (fewer than `limit`: done).
   */
  eraseActionText(userId: string, limit: number): Promise<number>;
  /** Records an erasure done (`eraseHidden`, `eraseActionText`, deletes through the log). */
  recordErasure(erasure: ErasureRequest): Promise<ErasureRecord>;
  /** Erasures recorded, newest first. */
  listErasures(limit: number): Promise<ErasureRecord[]>;
}
