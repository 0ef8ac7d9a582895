// The PostgreSQL store: for scale-out, when several nodes share one database (DATABASE_URL).
// Each `append` is one short transaction (one round trip: store.postgres.append.ts) that locks
// the rows of the events it touches, takes a block of sequence numbers per event and writes the
// log and the projections, so any number of processes can append to one event without a gap or
// a duplicate. Hot statements are named, so each connection plans them once.
import type { Comment, Entry, EventStatus } from '@livecomments/protocol';
import type pg from 'pg';
import { publicEntry } from '../events/visibility.js';
import { type AnalyticsDelta, modActionCounts, reactionMinutes, type StoredAnalytics } from './analytics.js';
import * as analytics from './analytics.postgres.js';
import { checkOut } from './pg-client.js';
import type { ErasureRecord, ErasureRequest, ExportRow, SearchPage, SearchQuery } from './search.js';
import {
  type AppendItem,
  type AppendResult,
  type Ban,
  commentValues,
  type EmoteImage,
  type EmoteLimits,
  type EmoteRecord,
  type EventRecord,
  type EventRole,
  type LikeOutcome,
  type ModAction,
  modActionValues,
  type NewEventRecord,
  newEpoch,
  type PollRecord,
  type PollVote,
  type PutEmoteOutcome,
  type ReplayFrom,
  type Report,
  type ReportedComment,
  type Store,
  type StoredComment,
} from './store.js';
import { appendBatch } from './store.postgres.append.js';
import { postgresEmotes } from './store.postgres.emotes.js';
import { readReplay } from './store.postgres.replay.js';
import { migrate } from './store.postgres.schema.js';
import { postgresSearch } from './store.postgres.search.js';
import { postgresSocial } from './store.postgres.social.js';
import {
  type BanRow,
  banFromRow,
  type CommentRow,
  commentFromRow,
  type EventRow,
  eventFromRow,
  type ModActionRow,
  modActionFromRow,
  type PollRow,
  pollFromRow,
} from './store.rows.js';
import {
  banData,
  type Delivery,
  type DeliveryOutcome,
  heldData,
  modActionData,
  type NewDelivery,
  type OutboxItem,
  type WebhookCounts,
  type WebhookType,
} from './webhook-queue.js';
import { type DeliveryRow, deliveryFromRow, type OutboxRow, outboxFromRow } from './webhook-queue.rows.js';

/**
 * Adds an outbox row when the node has webhooks ($5) or the event has some in its settings; a
 * statement of its own, run in the transaction of the change it reports.
 */
const NOTIFY = `INSERT INTO webhook_outbox (event_id, type, data, created_at)
  SELECT $1, $2, $3::jsonb, $4 WHERE $5::boolean OR EXISTS (
    SELECT 1 FROM events WHERE id = $1 AND coalesce(jsonb_array_length(settings->'webhooks'), 0) > 0)`;

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** Called with errors of idle pooled connections (e.g. the server restarted); they never throw. */
  onError?: (err: Error) => void;
  /**
   * The node has webhooks of its own (LC_WEBHOOK_URL): every change goes to the webhook outbox.
   * Without it only the changes of events with webhooks in their settings do.
   */
  notifyAll?: boolean;
}

/** Builds a store over a pool the caller owns (the store does not end it). */
export function createPostgresStore(pool: pg.Pool, opts: PostgresStoreOptions = {}): PostgresStore {
  return new PostgresStore(pool, opts);
}

/** A `Store` on PostgreSQL. */
export class PostgresStore implements Store {
  private readonly onIdleError: (err: Error) => void;
  private readonly notifyAll: boolean;
  private readonly social: ReturnType<typeof postgresSocial>;
  private readonly emotes: ReturnType<typeof postgresEmotes>;
  private readonly archive: ReturnType<typeof postgresSearch>;

  constructor(
    private readonly pool: pg.Pool,
    opts: PostgresStoreOptions = {},
  ) {
    // An idle client whose server went away emits 'error' on the pool; unhandled, it would end the
    // process. The next query simply gets a fresh connection.
    this.onIdleError = opts.onError ?? (() => {});
    this.notifyAll = opts.notifyAll ?? false;
    pool.on('error', this.onIdleError);
    this.social = postgresSocial(pool);
    this.emotes = postgresEmotes(pool);
    this.archive = postgresSearch(pool, (fn) => this.transaction(fn));
  }

  // The chat archive (store.postgres.search.ts).
  indexLog(eventId: string, limit: number): Promise<number> {
    return this.archive.indexLog(eventId, limit);
  }

  eventsBehind(limit: number): Promise<string[]> {
    return this.archive.eventsBehind(limit);
  }

  search(q: SearchQuery): Promise<SearchPage> {
    return this.archive.search(q);
  }

  exportPage(eventId: string, after: string, limit: number): Promise<ExportRow[]> {
    return this.archive.exportPage(eventId, after, limit);
  }

  expireText(now: number, defaultDays: number | null, limit: number): Promise<number> {
    return this.archive.expireText(now, defaultDays, limit);
  }

  publishedOf(userId: string, limit: number): Promise<{ eventId: string; commentId: string }[]> {
    return this.archive.publishedOf(userId, limit);
  }

  eraseHidden(userId: string, limit: number): Promise<{ eventId: string; commentId: string }[]> {
    return this.archive.eraseHidden(userId, limit);
  }

  eraseActionText(userId: string, limit: number): Promise<number> {
    return this.archive.eraseActionText(userId, limit);
  }

  recordErasure(erasure: ErasureRequest): Promise<ErasureRecord> {
    return this.archive.recordErasure(erasure);
  }

  listErasures(limit: number): Promise<ErasureRecord[]> {
    return this.archive.listErasures(limit);
  }

  migrate(): Promise<void> {
    return migrate(this.pool);
  }

  async ping(): Promise<void> {
    await this.pool.query({ name: 'lc_ping', text: 'SELECT 1' });
  }

  async createEvent(e: NewEventRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO events (id, title, status, owner_id, created_at, ended_at, last_seq, epoch, settings)
       VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)`,
      [
        e.id,
        e.title,
        e.status,
        e.ownerId,
        e.createdAt,
        e.endedAt ?? null,
        e.epoch ?? newEpoch(),
        JSON.stringify(e.settings),
      ],
    );
  }

  async getEvent(id: string): Promise<EventRecord | null> {
    const { rows } = await this.pool.query<EventRow>({
      name: 'lc_get_event',
      text: 'SELECT * FROM events WHERE id = $1',
      values: [id],
    });
    return rows[0] ? eventFromRow(rows[0]) : null;
  }

  async listEvents(filter: { status?: EventStatus; limit: number }): Promise<EventRecord[]> {
    const { rows } = filter.status
      ? await this.pool.query<EventRow>(
          'SELECT * FROM events WHERE status = $1 ORDER BY created_at DESC, id DESC LIMIT $2',
          [filter.status, filter.limit],
        )
      : await this.pool.query<EventRow>('SELECT * FROM events ORDER BY created_at DESC, id DESC LIMIT $1', [
          filter.limit,
        ]);
    return rows.map(eventFromRow);
  }

  async append(items: AppendItem[]): Promise<AppendResult[]> {
    if (items.length === 0) return [];
    return appendBatch(this.pool, items, this.notifyAll);
  }

  async readAfter(eventId: string, after: number, limit: number): Promise<Entry[]> {
    const { rows } = await this.pool.query<{ data: Entry }>({
      name: 'lc_read_after',
      text: 'SELECT data FROM entries WHERE event_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
      values: [eventId, after, limit],
    });
    return rows.map((r) => publicEntry(r.data));
  }

  async readBefore(eventId: string, before: number, limit: number): Promise<Entry[]> {
    const { rows } = await this.pool.query<{ data: Entry }>(
      'SELECT data FROM entries WHERE event_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3',
      [eventId, before, limit],
    );
    return rows.map((r) => publicEntry(r.data));
  }

  async getComment(eventId: string, commentId: string): Promise<StoredComment | null> {
    const { rows } = await this.pool.query<CommentRow>('SELECT * FROM comments WHERE event_id = $1 AND id = $2', [
      eventId,
      commentId,
    ]);
    return rows[0] ? commentFromRow(rows[0]) : null;
  }

  async findByClientId(eventId: string, userId: string, clientId: string): Promise<StoredComment | null> {
    const { rows } = await this.pool.query<CommentRow>({
      name: 'lc_find_client',
      text: 'SELECT * FROM comments WHERE event_id = $1 AND user_id = $2 AND client_id = $3',
      values: [eventId, userId, clientId],
    });
    return rows[0] ? commentFromRow(rows[0]) : null;
  }

  async holdComment(held: StoredComment): Promise<StoredComment> {
    const c = held.comment;
    return this.transaction(async (client) => {
      // The event row lock orders this against appends of the same client id (see appendBatch).
      await client.query('SELECT 1 FROM events WHERE id = $1 FOR NO KEY UPDATE', [c.eventId]);
      if (held.clientId !== undefined) {
        const { rows } = await client.query<CommentRow>(
          'SELECT * FROM comments WHERE event_id = $1 AND user_id = $2 AND client_id = $3',
          [c.eventId, c.user.id, held.clientId],
        );
        if (rows[0]) return commentFromRow(rows[0]);
      }
      const values = commentValues(c, held);
      const { rows } = await client.query<CommentRow>(
        `INSERT INTO comments (event_id, id, seq, user_id, user_name, text, created_at, parent_id, status, client_id, scores, reasons, media_time_ms)
         VALUES ($1, $2, NULL, $3, $4, $5, $6, $7, 'held', $8, $9, $10, $11)
         ON CONFLICT (event_id, id) DO NOTHING RETURNING *`,
        [...values.own, ...values.moderation, c.mediaTimeMs ?? null],
      );
      if (rows[0]) {
        await this.archive.addHeld(client, {
          eventId: c.eventId,
          commentId: c.id,
          userId: c.user.id,
          createdAt: c.createdAt,
          status: 'held',
          seq: null,
          text: c.text,
        });
        await this.notify(client, c.eventId, 'comment.held', heldData(held), c.createdAt);
        return commentFromRow(rows[0]);
      }
      const again = await client.query<CommentRow>('SELECT * FROM comments WHERE event_id = $1 AND id = $2', [
        c.eventId,
        c.id,
      ]);
      return commentFromRow(again.rows[0]!);
    });
  }

  async listHeld(eventId: string, limit: number): Promise<StoredComment[]> {
    const { rows } = await this.pool.query<CommentRow>(
      `SELECT * FROM comments WHERE event_id = $1 AND status = 'held' ORDER BY held_order LIMIT $2`,
      [eventId, limit],
    );
    return rows.map(commentFromRow);
  }

  async rejectHeld(eventId: string, commentId: string): Promise<boolean> {
    return this.transaction(async (client) => {
      const { rows } = await client.query<{ user_id: string }>(
        `UPDATE comments SET status = 'rejected' WHERE event_id = $1 AND id = $2 AND status = 'held' RETURNING user_id`,
        [eventId, commentId],
      );
      if (!rows[0]) return false;
      await this.archive.setStatus(client, eventId, commentId, 'rejected');
      await this.notify(client, eventId, 'comment.rejected', { commentId, userId: rows[0].user_id }, Date.now());
      return true;
    });
  }

  async getBan(eventId: string, userId: string): Promise<Ban | null> {
    const { rows } = await this.pool.query<BanRow>({
      name: 'lc_get_ban',
      text: 'SELECT * FROM bans WHERE event_id = $1 AND user_id = $2',
      values: [eventId, userId],
    });
    return rows[0] ? banFromRow(rows[0]) : null;
  }

  async listBans(eventId: string): Promise<Ban[]> {
    const { rows } = await this.pool.query<BanRow>(
      'SELECT * FROM bans WHERE event_id = $1 ORDER BY created_at DESC, user_id',
      [eventId],
    );
    return rows.map(banFromRow);
  }

  async putBan(ban: Ban): Promise<void> {
    await this.transaction(async (client) => {
      await this.putBanIn(client, ban);
      await this.notify(client, ban.eventId, 'user.banned', banData(ban), ban.createdAt);
    });
  }

  private async putBanIn(client: pg.PoolClient, ban: Ban): Promise<void> {
    await client.query(
      `INSERT INTO bans (event_id, user_id, until, reason, by_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (event_id, user_id) DO UPDATE
       SET until = excluded.until, reason = excluded.reason, by_id = excluded.by_id, created_at = excluded.created_at`,
      [ban.eventId, ban.userId, ban.until, ban.reason ?? null, ban.by, ban.createdAt],
    );
  }

  async removeBan(eventId: string, userId: string): Promise<boolean> {
    const res = await this.pool.query('DELETE FROM bans WHERE event_id = $1 AND user_id = $2', [eventId, userId]);
    return (res.rowCount ?? 0) > 0;
  }

  async addReactions(
    eventId: string,
    counts: Readonly<Record<string, number>>,
    byMinute?: Readonly<Record<string, number>>,
  ): Promise<void> {
    const emoji = Object.keys(counts).filter((e) => counts[e]! > 0);
    if (emoji.length === 0) return;
    // One statement: every emoji's increment, atomic beside other nodes' own.
    const totals = {
      text: `INSERT INTO reaction_totals (event_id, emoji, n)
       SELECT $1, e, n FROM unnest($2::text[], $3::bigint[]) AS t(e, n)
       ON CONFLICT (event_id, emoji) DO UPDATE SET n = reaction_totals.n + excluded.n`,
      values: [eventId, emoji, emoji.map((e) => counts[e]!)],
    };
    const minutes = reactionMinutes(byMinute);
    if (minutes.length === 0) {
      await this.pool.query(totals.text, totals.values);
      return;
    }
    // With the analytics minutes, in one transaction.
    await this.transaction(async (client) => {
      await client.query(totals.text, totals.values);
      await analytics.addMinutes(client, [{ eventId, minutes }]);
    });
  }

  // Analytics (analytics.postgres.ts).
  async analyticsCursor(eventId: string): Promise<number> {
    return analytics.analyticsCursor(this.pool, eventId);
  }

  async applyAnalytics(deltas: AnalyticsDelta[]): Promise<boolean[]> {
    if (deltas.length === 0) return [];
    return this.transaction((client) => analytics.applyAnalytics(client, deltas));
  }

  async readAnalytics(eventId: string, query: { from: number; to: number; top: number }): Promise<StoredAnalytics> {
    const { client, release } = await checkOut(this.pool);
    let broken = false;
    try {
      // One snapshot, so the totals and the minutes agree.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const out = await analytics.readAnalytics(client, eventId, query);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      release(broken);
    }
  }

  async reactionTotals(eventId: string): Promise<Record<string, number>> {
    const res = await this.pool.query<{ emoji: string; n: string }>(
      'SELECT emoji, n FROM reaction_totals WHERE event_id = $1',
      [eventId],
    );
    const totals: Record<string, number> = {};
    for (const row of res.rows) totals[row.emoji] = Number(row.n);
    return totals;
  }

  async setLike(eventId: string, commentId: string, userId: string, liked: boolean): Promise<LikeOutcome> {
    // One statement, so the like and its count change together; the count row's lock orders
    // concurrent likes of one comment.
    const change = liked
      ? `WITH ch AS (INSERT INTO comment_likes (event_id, comment_id, user_id, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING 1)
         INSERT INTO like_counts (event_id, comment_id, n) SELECT $1, $2, 1 FROM ch
           ON CONFLICT (event_id, comment_id) DO UPDATE SET n = like_counts.n + 1 RETURNING n`
      : `WITH ch AS (DELETE FROM comment_likes WHERE event_id = $1 AND comment_id = $2 AND user_id = $3 RETURNING 1)
         UPDATE like_counts SET n = n - 1 WHERE event_id = $1 AND comment_id = $2 AND EXISTS (SELECT 1 FROM ch)
           RETURNING n`;
    const values = liked ? [eventId, commentId, userId, Date.now()] : [eventId, commentId, userId];
    const res = await this.pool.query<{ n: string }>(change, values);
    if (res.rows[0]) return { changed: true, likes: Number(res.rows[0].n) };
    const now = await this.likeCounts(eventId, [commentId]);
    return { changed: false, likes: now[commentId] ?? 0 };
  }

  async likeCounts(eventId: string, commentIds: readonly string[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    if (commentIds.length === 0) return counts;
    const res = await this.pool.query<{ comment_id: string; n: string }>(
      'SELECT comment_id, n FROM like_counts WHERE event_id = $1 AND comment_id = ANY($2::text[])',
      [eventId, [...commentIds]],
    );
    for (const row of res.rows) if (Number(row.n) > 0) counts[row.comment_id] = Number(row.n);
    return counts;
  }

  async addModAction(a: ModAction): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO mod_actions (event_id, action, actor_id, at, target_id, reason, text, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        modActionValues(a),
      );
      const counts = modActionCounts(a);
      if (counts) {
        await analytics.addMinutes(client, [{ eventId: a.eventId, minutes: [counts.minute] }]);
        await analytics.addReasons(client, [{ eventId: a.eventId, reasons: counts.reasons }]);
      }
      await this.notify(client, a.eventId, 'moderation.action', modActionData(a), a.at);
    });
  }

  async listModActions(eventId: string, limit: number): Promise<ModAction[]> {
    const { rows } = await this.pool.query<ModActionRow>(
      'SELECT * FROM mod_actions WHERE event_id = $1 ORDER BY id DESC LIMIT $2',
      [eventId, limit],
    );
    return rows.map(modActionFromRow);
  }

  async readOutbox(limit: number): Promise<OutboxItem[]> {
    const { rows } = await this.pool.query<OutboxRow>('SELECT * FROM webhook_outbox ORDER BY id LIMIT $1', [limit]);
    return rows.map(outboxFromRow);
  }

  async expandOutbox(outboxIds: number[], deliveries: NewDelivery[]): Promise<number> {
    return this.transaction(async (client) => {
      // The delete's row locks make a second node expanding the same rows wait, then remove none.
      const { rows } = await client.query<{ id: string }>(
        'DELETE FROM webhook_outbox WHERE id = ANY($1::bigint[]) RETURNING id',
        [outboxIds],
      );
      const removed = new Set(rows.map((r) => Number(r.id)));
      const mine = deliveries.filter((d) => removed.has(d.outboxId));
      if (mine.length > 0) {
        await client.query(
          `INSERT INTO webhook_deliveries (webhook_id, event_id, type, url, source, body, created_at, next_at)
           SELECT d->>'webhookId', d->>'eventId', d->>'type', d->>'url', d->>'source', d->>'body',
                  (d->>'createdAt')::bigint, (d->>'createdAt')::bigint
           FROM jsonb_array_elements($1::jsonb) d`,
          [JSON.stringify(mine)],
        );
      }
      return removed.size;
    });
  }

  async claimDeliveries(now: number, limit: number, leaseMs: number): Promise<Delivery[]> {
    // SKIP LOCKED: nodes claiming at once take different rows; the lease keeps them taken.
    const { rows } = await this.pool.query<DeliveryRow>(
      `UPDATE webhook_deliveries SET next_at = $1 WHERE id IN (
         SELECT id FROM webhook_deliveries WHERE state = 'pending' AND next_at <= $2
         ORDER BY next_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now + leaseMs, now, limit],
    );
    return rows.map(deliveryFromRow);
  }

  async settleDelivery(id: number, outcome: DeliveryOutcome): Promise<void> {
    if ('delivered' in outcome) {
      await this.pool.query('DELETE FROM webhook_deliveries WHERE id = $1', [id]);
    } else if ('dead' in outcome) {
      await this.pool.query(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, state = 'dead', last_error = $1 WHERE id = $2`,
        [outcome.error.slice(0, 500), id],
      );
    } else {
      await this.pool.query(
        'UPDATE webhook_deliveries SET attempts = attempts + 1, next_at = $1, last_error = $2 WHERE id = $3',
        [outcome.retryAt, outcome.error.slice(0, 500), id],
      );
    }
  }

  async listDeadDeliveries(limit: number): Promise<Delivery[]> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT * FROM webhook_deliveries WHERE state = 'dead' ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return rows.map(deliveryFromRow);
  }

  async requeueDead(ids: number[] | 'all', now: number): Promise<number> {
    const res =
      ids === 'all'
        ? await this.pool.query(
            `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_at = $1 WHERE state = 'dead'`,
            [now],
          )
        : await this.pool.query(
            `UPDATE webhook_deliveries SET state = 'pending', attempts = 0, next_at = $1
             WHERE state = 'dead' AND id = ANY($2::bigint[])`,
            [now, ids],
          );
    return res.rowCount ?? 0;
  }

  async heldCount(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>("SELECT count(*) AS n FROM comments WHERE status = 'held'");
    return Number(rows[0]!.n);
  }

  async webhookCounts(): Promise<WebhookCounts> {
    const { rows } = await this.pool.query<Record<keyof WebhookCounts, string>>(
      `SELECT (SELECT count(*) FROM webhook_outbox) AS outbox,
              (SELECT count(*) FROM webhook_deliveries WHERE state = 'pending') AS pending,
              (SELECT count(*) FROM webhook_deliveries WHERE state = 'dead') AS dead`,
    );
    const r = rows[0]!;
    return { outbox: Number(r.outbox), pending: Number(r.pending), dead: Number(r.dead) };
  }

  // Event roles, reports and replies (store.postgres.social.ts).
  listRoles(eventId: string): Promise<EventRole[]> {
    return this.social.listRoles(eventId);
  }

  putRole(role: EventRole): Promise<void> {
    return this.social.putRole(role);
  }

  removeModerator(eventId: string, userId: string): Promise<boolean> {
    return this.social.removeModerator(eventId, userId);
  }

  addReport(report: Report): Promise<boolean> {
    return this.social.addReport(report);
  }

  listReported(eventId: string, limit: number): Promise<ReportedComment[]> {
    return this.social.listReported(eventId, limit);
  }

  closeReports(eventId: string, commentId: string): Promise<number> {
    return this.social.closeReports(eventId, commentId);
  }

  listReplies(eventId: string, parentId: string, limit: number): Promise<Comment[]> {
    return this.social.listReplies(eventId, parentId, limit);
  }

  // Custom emotes (store.postgres.emotes.ts).
  putEmote(emote: EmoteRecord, image: Uint8Array | null, limits: EmoteLimits): Promise<PutEmoteOutcome> {
    return this.emotes.putEmote(emote, image, limits);
  }

  removeEmote(eventId: string, code: string): Promise<boolean> {
    return this.emotes.removeEmote(eventId, code);
  }

  listEmotes(eventId: string): Promise<EmoteRecord[]> {
    return this.emotes.listEmotes(eventId);
  }

  emoteImage(id: string): Promise<EmoteImage | null> {
    return this.emotes.emoteImage(id);
  }

  readReplay(eventId: string, from: ReplayFrom, limit: number): Promise<Comment[]> {
    return readReplay(this.pool, eventId, from, limit);
  }

  async getPoll(eventId: string, pollId: string): Promise<PollRecord | null> {
    const { rows } = await this.pool.query<PollRow>('SELECT * FROM polls WHERE event_id = $1 AND id = $2', [
      eventId,
      pollId,
    ]);
    return rows[0] ? pollFromRow(rows[0]) : null;
  }

  async vote(v: PollVote): Promise<boolean> {
    // FOR SHARE: a close in flight (UPDATE of the poll row) waits for this vote, then counts it; a
    // vote after the close finds the poll closed and records nothing.
    const res = await this.pool.query({
      name: 'lc_vote',
      text: `WITH open_poll AS (
               SELECT 1 FROM polls WHERE event_id = $1 AND id = $2 AND status = 'open' AND ends_at > $5 FOR SHARE)
             INSERT INTO poll_votes (event_id, poll_id, user_id, option, at) SELECT $1, $2, $3, $4, $5 FROM open_poll
             ON CONFLICT (event_id, poll_id, user_id) DO UPDATE SET option = excluded.option, at = excluded.at`,
      values: [v.eventId, v.pollId, v.userId, v.option, v.at],
    });
    return (res.rowCount ?? 0) > 0;
  }

  async close(): Promise<void> {
    this.pool.off('error', this.onIdleError);
  }

  /** An outbox row, in the caller's transaction, if the node or the event has webhooks. */
  private async notify(
    client: pg.PoolClient,
    eventId: string,
    type: WebhookType,
    data: unknown,
    at: number,
  ): Promise<void> {
    await client.query({
      name: 'lc_notify',
      text: NOTIFY,
      values: [eventId, type, JSON.stringify(data), at, this.notifyAll],
    });
  }

  /** Runs `fn` in a transaction on one pooled connection; rolls back on any error. */
  private async transaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const { client, release } = await checkOut(this.pool);
    let broken = false;
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw err;
    } finally {
      // A connection that could not even roll back is dropped rather than reused.
      release(broken);
    }
  }
}
