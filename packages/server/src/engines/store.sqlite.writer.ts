// The SQLite store's write side: the one connection that writes, owned by the writer thread
// (store.sqlite.worker.ts) or, inline, by the store itself.
import type { Comment, Entry } from '@livecomments/protocol';
import Database from 'better-sqlite3';
import { type AnalyticsDelta, modActionCounts, reactionMinutes } from './analytics.js';
import { SqliteAnalyticsWrites } from './analytics.sqlite.js';
import type { ErasureRecord, ErasureRequest } from './search.js';
import {
  type AppendItem,
  type Ban,
  commentValues,
  type EmoteLimits,
  type EmoteRecord,
  type EventRole,
  type LikeOutcome,
  type ModAction,
  modActionValues,
  type NewEventRecord,
  newEpoch,
  type PollVote,
  type PutEmoteOutcome,
  type Report,
  type StoredComment,
} from './store.js';
import { type CommentRow, commentFromRow } from './store.rows.js';
import { emoteWrites } from './store.sqlite.emotes.js';
import { isInteraction, SqliteInteractions } from './store.sqlite.interactions.js';
import { MIGRATIONS, withSeq } from './store.sqlite.rows.js';
import { searchWrites } from './store.sqlite.search.js';
import { socialWrites } from './store.sqlite.social.js';
import {
  banData,
  type Delivery,
  type DeliveryOutcome,
  heldData,
  modActionData,
  type NewDelivery,
  type WebhookType,
} from './webhook-queue.js';
import { type DeliveryRow, deliveryFromRow } from './webhook-queue.rows.js';

/**
 * What one appended item came to: its seq, the entry itself when the store filled it in (a
 * `poll` entry's votes), the comment an earlier post already made, or null (skipped).
 */
export type AppendOutcome = number | { entry: Entry } | StoredComment | null;

/** The write operations, by name, as the store sends them to the writer. */
export type WriteOp =
  | 'migrate'
  | 'createEvent'
  | 'append'
  | 'holdComment'
  | 'rejectHeld'
  | 'putBan'
  | 'removeBan'
  | 'addModAction'
  | 'expandOutbox'
  | 'claimDeliveries'
  | 'settleDelivery'
  | 'requeueDead'
  | 'putRole'
  | 'removeModerator'
  | 'addReport'
  | 'closeReports'
  | 'vote'
  | 'addReactions'
  | 'setLike'
  | 'putEmote'
  | 'removeEmote'
  | 'indexLog'
  | 'expireText'
  | 'eraseHidden'
  | 'eraseActionText'
  | 'recordErasure'
  | 'applyAnalytics';

/** The seq counter of one event during a batch: read once, written back once. */
interface Head {
  seq: number;
  start: number;
  /** The event's status before this entry (an `event` entry that ends it is reported once). */
  status: string;
  /** Whether its changes go to the webhook outbox (the node has webhooks, or the event has). */
  hooks: boolean;
}

/**
 * Runs every write of the SQLite store on one connection. `append` runs a whole batch in one
 * IMMEDIATE transaction (the write lock is taken up front, so instances on other threads or
 * processes queue on `busy_timeout` instead of failing on a stale snapshot) and returns seqs only.
 */
export class SqliteWriter {
  private readonly db: Database.Database;
  private stmt: ReturnType<SqliteWriter['prepare']> | null = null;
  private socialStmt: ReturnType<typeof socialWrites> | null = null;
  private emoteStmt: ReturnType<typeof emoteWrites> | null = null;
  private searchStmt: ReturnType<typeof searchWrites> | null = null;
  private interactionsOnce: SqliteInteractions | null = null;
  private analyticsOnce: SqliteAnalyticsWrites | null = null;
  private readonly appendTx: (items: AppendItem[]) => AppendOutcome[];
  private readonly groupTx: (batches: AppendItem[][]) => (AppendOutcome[] | Error)[];

  constructor(
    path: string,
    synchronous: 'FULL' | 'NORMAL' = 'FULL',
    /** The node has webhooks of its own: every change goes to the outbox, not only those of events with webhooks. */
    private readonly notifyAll = false,
  ) {
    this.db = new Database(path);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.pragma('foreign_keys = OFF');
    this.appendTx = this.db.transaction((items: AppendItem[]) => this.appendAll(items)).immediate;
    this.groupTx = this.db.transaction((batches: AppendItem[][]) =>
      // Inside a transaction, better-sqlite3 runs appendTx as a savepoint.
      batches.map((items) => {
        try {
          return this.appendTx(items);
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    ).immediate;
  }

  migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
    for (let v = row.v ?? 0; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(v + 1);
      })();
    }
    this.stmt = this.prepare();
  }

  createEvent(event: NewEventRecord): void {
    this.q.insertEvent.run(
      event.id,
      event.title,
      event.status,
      event.ownerId,
      event.createdAt,
      event.endedAt ?? null,
      event.lastSeq,
      event.epoch ?? newEpoch(),
      JSON.stringify(event.settings),
    );
  }

  append(items: AppendItem[]): AppendOutcome[] {
    return this.appendTx(items);
  }

  /**
   * Several append batches in one transaction (one commit), each in its own savepoint: a batch
   * that fails (say, naming an unknown event) is rolled back alone and answered with its error.
   */
  appendGroups(batches: AppendItem[][]): (AppendOutcome[] | Error)[] {
    if (batches.length === 1) return [this.appendTx(batches[0]!)];
    return this.groupTx(batches);
  }

  holdComment(held: StoredComment): StoredComment {
    const c = held.comment;
    return this.db.transaction((): StoredComment => {
      if (held.clientId !== undefined) {
        const prior = this.q.findByClientId.get(c.eventId, c.user.id, held.clientId) as CommentRow | undefined;
        if (prior) return commentFromRow(prior);
      }
      this.q.insertComment.run(...commentRow(c, null, 'held', held));
      this.search.addDoc({
        eventId: c.eventId,
        commentId: c.id,
        userId: c.user.id,
        createdAt: c.createdAt,
        status: 'held',
        seq: null,
        text: c.text,
      });
      this.notify(c.eventId, 'comment.held', heldData(held), c.createdAt);
      return { ...held, status: 'held', comment: { ...c, seq: null } };
    })();
  }

  rejectHeld(eventId: string, commentId: string): boolean {
    return this.db.transaction((): boolean => {
      const row = this.q.rejectHeld.get(eventId, commentId) as { user_id: string } | undefined;
      if (!row) return false;
      this.search.setStatus(eventId, commentId, 'rejected');
      this.notify(eventId, 'comment.rejected', { commentId, userId: row.user_id }, Date.now());
      return true;
    })();
  }

  putBan(ban: Ban): void {
    this.db.transaction(() => {
      this.q.putBan.run(ban.eventId, ban.userId, ban.until, ban.reason ?? null, ban.by, ban.createdAt);
      this.notify(ban.eventId, 'user.banned', banData(ban), ban.createdAt);
    })();
  }

  removeBan(eventId: string, userId: string): boolean {
    return this.q.removeBan.run(eventId, userId).changes > 0;
  }

  addModAction(a: ModAction): void {
    this.db.transaction(() => {
      this.q.addModAction.run(...modActionValues(a));
      const counts = modActionCounts(a);
      if (counts) {
        this.analytics.addMinutes(a.eventId, [counts.minute]);
        this.analytics.addReasons(a.eventId, counts.reasons);
      }
      this.notify(a.eventId, 'moderation.action', modActionData(a), a.at);
    })();
  }

  /** Removes outbox rows and adds the deliveries of those it removed (see WebhookQueue). */
  expandOutbox(outboxIds: number[], deliveries: NewDelivery[]): number {
    return this.db.transaction((): number => {
      let removed = 0;
      for (const id of outboxIds) {
        if (this.q.deleteOutbox.run(id).changes === 0) continue;
        removed++;
        for (const d of deliveries) {
          if (d.outboxId !== id) continue;
          this.q.insertDelivery.run(d.webhookId, d.eventId, d.type, d.url, d.source, d.body, d.createdAt, d.createdAt);
        }
      }
      return removed;
    })();
  }

  /** Due deliveries, leased until `now + leaseMs` (other processes on the file skip them meanwhile). */
  claimDeliveries(now: number, limit: number, leaseMs: number): Delivery[] {
    return (this.q.claimDeliveries.all(now + leaseMs, now, limit) as DeliveryRow[]).map(deliveryFromRow);
  }

  settleDelivery(id: number, outcome: DeliveryOutcome): void {
    if ('delivered' in outcome) this.q.deleteDelivery.run(id);
    else if ('dead' in outcome) this.q.killDelivery.run(outcome.error.slice(0, 500), id);
    else this.q.retryDelivery.run(outcome.retryAt, outcome.error.slice(0, 500), id);
  }

  requeueDead(ids: number[] | 'all', now: number): number {
    if (ids === 'all') return this.q.requeueAllDead.run(now).changes;
    return this.db.transaction((): number => {
      let n = 0;
      for (const id of ids) n += this.q.requeueDead.run(now, id).changes;
      return n;
    })();
  }

  // Event roles and reports (store.sqlite.social.ts).
  putRole(role: EventRole): void {
    this.social.putRole(role);
  }

  removeModerator(eventId: string, userId: string): boolean {
    return this.social.removeModerator(eventId, userId);
  }

  addReport(report: Report): boolean {
    return this.social.addReport(report);
  }

  closeReports(eventId: string, commentId: string): number {
    return this.social.closeReports(eventId, commentId);
  }

  // Custom emotes (store.sqlite.emotes.ts).
  putEmote(emote: EmoteRecord, imageBase64: string | null, limits: EmoteLimits): PutEmoteOutcome {
    return this.emotes.putEmote(emote, imageBase64, limits);
  }

  removeEmote(eventId: string, code: string): boolean {
    return this.emotes.removeEmote(eventId, code);
  }

  private get emotes(): ReturnType<typeof emoteWrites> {
    this.emoteStmt ??= emoteWrites(this.db);
    return this.emoteStmt;
  }

  private get social(): ReturnType<typeof socialWrites> {
    this.socialStmt ??= socialWrites(this.db);
    return this.socialStmt;
  }

  // The chat archive (store.sqlite.search.ts), each call one transaction.
  indexLog(eventId: string, limit: number): number {
    return this.db.transaction(() => this.search.indexLog(eventId, limit)).immediate();
  }

  expireText(now: number, defaultDays: number | null, limit: number): number {
    return this.db.transaction(() => this.search.expireText(now, defaultDays, limit)).immediate();
  }

  eraseHidden(userId: string, limit: number): { eventId: string; commentId: string }[] {
    return this.db.transaction(() => this.search.eraseHidden(userId, limit)).immediate();
  }

  eraseActionText(userId: string, limit: number): number {
    return this.db.transaction(() => this.search.eraseActionText(userId, limit)).immediate();
  }

  recordErasure(erasure: ErasureRequest): ErasureRecord {
    return this.search.recordErasure(erasure);
  }

  private get search(): ReturnType<typeof searchWrites> {
    this.searchStmt ??= searchWrites(this.db);
    return this.searchStmt;
  }

  vote(v: PollVote): boolean {
    return this.interactions.vote(v);
  }

  addReactions(eventId: string, counts: Record<string, number>, byMinute?: Record<string, number>): void {
    this.addReactionsTx(eventId, counts, byMinute);
  }

  /** The analytics log follower's deltas (analytics.sqlite.ts), in one transaction. */
  applyAnalytics(deltas: AnalyticsDelta[]): boolean[] {
    return this.analytics.apply(deltas);
  }

  setLike(eventId: string, commentId: string, userId: string, liked: boolean): LikeOutcome {
    return this.setLikeTx(eventId, commentId, userId, liked);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Prepared after the migrations, like the statements. */
  private get interactions(): SqliteInteractions {
    this.interactionsOnce ??= new SqliteInteractions(this.db);
    return this.interactionsOnce;
  }

  private get analytics(): SqliteAnalyticsWrites {
    this.analyticsOnce ??= new SqliteAnalyticsWrites(this.db);
    return this.analyticsOnce;
  }

  private readonly addReactionsTx = (
    eventId: string,
    counts: Record<string, number>,
    byMinute: Record<string, number> | undefined,
  ): void => {
    this.db.transaction(() => {
      for (const [emoji, n] of Object.entries(counts)) if (n > 0) this.q.addReaction.run(eventId, emoji, n);
      this.analytics.addMinutes(eventId, reactionMinutes(byMinute));
    })();
  };

  private readonly setLikeTx = (eventId: string, commentId: string, userId: string, liked: boolean): LikeOutcome => {
    return this.db
      .transaction((): LikeOutcome => {
        const q = this.q;
        const changed = liked
          ? q.insertLike.run(eventId, commentId, userId, Date.now()).changes > 0
          : q.deleteLike.run(eventId, commentId, userId).changes > 0;
        if (changed) q.addLikeCount.run(eventId, commentId, liked ? 1 : -1);
        const row = q.likeCount.get(eventId, commentId) as { n: number } | undefined;
        return { changed, likes: row?.n ?? 0 };
      })
      .immediate();
  };

  /**
   * Inside the transaction. Its twin is the PostgreSQL function in sql/lc_append.v2.sql: the two
   * must do the same, and the store contract suite (store.case.test.ts) is their specification.
   * Each event's `last_seq` is read once and written once per batch; a new comment costs two
   * inserts. The comment insert ignores a conflict on the comment's id:
   * only then (an approval of a held comment, or a repeat) is the existing row read, so the seq
   * is taken only by what is really appended and the log stays gapless.
   */
  private appendAll(items: AppendItem[]): AppendOutcome[] {
    const q = this.q;
    const heads = new Map<string, Head>();
    /** Comments made by this batch, by retry key, for a repeat of the key inside the batch. */
    let byKey: Map<string, StoredComment> | null = null;
    const out: AppendOutcome[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const { eventId, entry } = item;
      let head = heads.get(eventId);
      if (!head) {
        const row = q.lastSeq.get(this.notifyAll ? 1 : 0, eventId) as
          | { last_seq: number; status: string; hooks: number | null }
          | undefined;
        if (!row) throw new Error(`append to unknown event ${eventId}`);
        head = { seq: row.last_seq, start: row.last_seq, status: row.status, hooks: row.hooks === 1 };
        heads.set(eventId, head);
      }
      const seq = head.seq + 1;
      if (entry.type === 'comment') {
        const c = entry.comment;
        const key = item.clientId === undefined ? null : `${eventId}\u0000${c.user.id}\u0000${item.clientId}`;
        if (key !== null) {
          const mine = byKey?.get(key);
          if (mine) {
            out[i] = mine;
            continue;
          }
          const prior = q.findByClientId.get(eventId, c.user.id, item.clientId) as CommentRow | undefined;
          if (prior && prior.id !== c.id) {
            out[i] = commentFromRow(prior);
            continue;
          }
        }
        const inserted = q.insertComment.run(...commentRow(c, seq, 'published', { clientId: item.clientId })).changes;
        if (inserted === 0) {
          // The id is taken: a held comment being approved is published; anything else (say, two
          // moderators approving at once) is a no-op that answers with the comment.
          const same = q.getComment.get(eventId, c.id) as CommentRow | undefined;
          if (!same) throw new Error(`comment ${c.id} could not be stored`);
          if (same.status !== 'held') {
            out[i] = commentFromRow(same);
            continue;
          }
          q.publishHeld.run(seq, c.text, eventId, c.id);
        }
        const full = withSeq(entry, seq);
        q.insertLog.run(eventId, seq, 'comment', JSON.stringify(full), c.id);
        if (head.hooks && full.type === 'comment') {
          q.insertOutbox.run(eventId, 'comment.published', JSON.stringify(full.comment), Date.now());
        }
        if (key !== null) {
          byKey ??= new Map();
          const stored: StoredComment = { comment: { ...c, seq }, status: 'published', clientId: item.clientId! };
          byKey.set(key, stored);
        }
      } else if (isInteraction(entry)) {
        const full = this.interactions.append(item, seq);
        if (!full) {
          out[i] = null;
          continue;
        }
        q.insertLog.run(eventId, seq, full.type, JSON.stringify(full), null);
        head.seq = seq;
        out[i] = full.type === 'poll' ? { entry: full } : seq;
        continue;
      } else {
        const full = withSeq(entry, seq);
        if (full.type === 'delete') {
          q.deleteComment.run(eventId, full.commentId);
          const row = q.logOfComment.get(eventId, full.commentId) as { seq: number; data: string } | undefined;
          if (row) {
            const old = JSON.parse(row.data) as { type: string; comment?: { text: string } };
            if (old.comment) old.comment.text = '';
            q.updateLog.run(JSON.stringify(old), eventId, row.seq);
          }
        } else if (full.type === 'ban') {
          // Keeps a ban recorded with putBan (reason, author) and only updates its end.
          q.recordBan.run(eventId, full.userId, full.until, Date.now());
        } else if (full.type === 'event') {
          // The entry holds the public part of the settings; the events table gets them all.
          if (!item.settings) throw new Error(`event entry of ${eventId} without its settings`);
          const e = full.event;
          q.updateEvent.run(e.title, e.status, e.endedAt ?? null, JSON.stringify(item.settings), eventId);
        }
        q.insertLog.run(eventId, seq, full.type, JSON.stringify(full), null);
        if (head.hooks) this.notifyEntry(eventId, full, head);
      }
      head.seq = seq;
      out[i] = seq;
    }
    for (const [eventId, head] of heads) if (head.seq !== head.start) q.setLastSeq.run(head.seq, eventId);
    return out;
  }

  /** The outbox row of a log entry other than a comment, if webhooks report it. */
  private notifyEntry(eventId: string, full: ReturnType<typeof withSeq>, head: Head): void {
    const now = Date.now();
    if (full.type === 'delete') {
      this.q.insertOutbox.run(eventId, 'comment.deleted', JSON.stringify({ commentId: full.commentId }), now);
    } else if (full.type === 'event') {
      if (full.event.status === 'ended' && head.status !== 'ended') {
        this.q.insertOutbox.run(eventId, 'event.ended', JSON.stringify(full.event), now);
      }
      head.status = full.event.status;
    }
  }

  /** An outbox row outside `append`, if the node or the event has webhooks (inside the caller's transaction). */
  private notify(eventId: string, type: WebhookType, data: unknown, at: number): void {
    this.q.notifyIfHooked.run(eventId, type, JSON.stringify(data), at, this.notifyAll ? 1 : 0, eventId);
  }

  private get q(): ReturnType<SqliteWriter['prepare']> {
    this.stmt ??= this.prepare();
    return this.stmt;
  }

  private prepare() {
    const db = this.db;
    return {
      insertEvent: db.prepare(
        'INSERT INTO events (id, title, status, owner_id, created_at, ended_at, last_seq, epoch, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      lastSeq: db.prepare(
        "SELECT last_seq, status, (? OR coalesce(json_array_length(settings, '$.webhooks'), 0) > 0) AS hooks FROM events WHERE id = ?",
      ),
      setLastSeq: db.prepare('UPDATE events SET last_seq = ? WHERE id = ?'),
      updateEvent: db.prepare('UPDATE events SET title = ?, status = ?, ended_at = ?, settings = ? WHERE id = ?'),
      insertLog: db.prepare('INSERT INTO log (event_id, seq, type, data, comment_id) VALUES (?, ?, ?, ?, ?)'),
      updateLog: db.prepare('UPDATE log SET data = ? WHERE event_id = ? AND seq = ?'),
      logOfComment: db.prepare(
        "SELECT l.seq, l.data FROM comments c JOIN log l ON l.event_id = c.event_id AND l.seq = c.seq WHERE c.event_id = ? AND c.id = ? AND l.type = 'comment'",
      ),
      insertComment: db.prepare(
        'INSERT INTO comments (event_id, id, user_id, user_name, text, created_at, parent_id, seq, status, client_id, scores, reasons, media_time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, id) DO NOTHING',
      ),
      publishHeld: db.prepare(
        "UPDATE comments SET seq = ?, status = 'published', text = ? WHERE event_id = ? AND id = ? AND status = 'held'",
      ),
      deleteComment: db.prepare("UPDATE comments SET status = 'deleted', text = '' WHERE event_id = ? AND id = ?"),
      getComment: db.prepare('SELECT * FROM comments WHERE event_id = ? AND id = ?'),
      findByClientId: db.prepare('SELECT * FROM comments WHERE event_id = ? AND user_id = ? AND client_id = ?'),
      rejectHeld: db.prepare(
        "UPDATE comments SET status = 'rejected' WHERE event_id = ? AND id = ? AND status = 'held' RETURNING user_id",
      ),
      putBan: db.prepare(
        'INSERT OR REPLACE INTO bans (event_id, user_id, until, reason, by_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      recordBan: db.prepare(
        "INSERT INTO bans (event_id, user_id, until, reason, by_id, created_at) VALUES (?, ?, ?, NULL, '', ?) ON CONFLICT (event_id, user_id) DO UPDATE SET until = excluded.until",
      ),
      removeBan: db.prepare('DELETE FROM bans WHERE event_id = ? AND user_id = ?'),
      insertOutbox: db.prepare('INSERT INTO webhook_outbox (event_id, type, data, created_at) VALUES (?, ?, ?, ?)'),
      notifyIfHooked: db.prepare(
        "INSERT INTO webhook_outbox (event_id, type, data, created_at) SELECT ?, ?, ?, ? WHERE ? OR EXISTS (SELECT 1 FROM events WHERE id = ? AND json_array_length(settings, '$.webhooks') > 0)",
      ),
      deleteOutbox: db.prepare('DELETE FROM webhook_outbox WHERE id = ?'),
      insertDelivery: db.prepare(
        'INSERT INTO webhook_deliveries (webhook_id, event_id, type, url, source, body, created_at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      claimDeliveries: db.prepare(
        "UPDATE webhook_deliveries SET next_at = ? WHERE id IN (SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?) RETURNING *",
      ),
      deleteDelivery: db.prepare('DELETE FROM webhook_deliveries WHERE id = ?'),
      retryDelivery: db.prepare(
        'UPDATE webhook_deliveries SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?',
      ),
      killDelivery: db.prepare(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, state = 'dead', last_error = ? WHERE id = ?",
      ),
      requeueDead: db.prepare(
        "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_at = ? WHERE id = ? AND state = 'dead'",
      ),
      requeueAllDead: db.prepare(
        "UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_at = ? WHERE state = 'dead'",
      ),
      addReaction: db.prepare(
        'INSERT INTO reaction_totals (event_id, emoji, n) VALUES (?, ?, ?) ON CONFLICT (event_id, emoji) DO UPDATE SET n = n + excluded.n',
      ),
      insertLike: db.prepare(
        'INSERT INTO comment_likes (event_id, comment_id, user_id, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      deleteLike: db.prepare('DELETE FROM comment_likes WHERE event_id = ? AND comment_id = ? AND user_id = ?'),
      addLikeCount: db.prepare(
        'INSERT INTO like_counts (event_id, comment_id, n) VALUES (?, ?, ?) ON CONFLICT (event_id, comment_id) DO UPDATE SET n = n + excluded.n',
      ),
      likeCount: db.prepare('SELECT n FROM like_counts WHERE event_id = ? AND comment_id = ?'),
      addModAction: db.prepare(
        'INSERT INTO mod_actions (event_id, action, actor_id, at, target_id, reason, text, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
    };
  }
}

/** The values of an `insertComment` row, in its column order. */
function commentRow(
  c: Omit<Comment, 'seq'>,
  seq: number | null,
  status: 'held' | 'published',
  extra: { clientId?: string; scores?: Record<string, number>; reasons?: string[] },
): unknown[] {
  const { own, moderation } = commentValues(c, extra);
  // The media time waits in the row only while held: the log carries a published comment's.
  return [...own, seq, status, ...moderation, status === 'held' ? (c.mediaTimeMs ?? null) : null];
}
