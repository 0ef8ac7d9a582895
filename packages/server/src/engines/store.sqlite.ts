// The SQLite store: the embedded default, one file in the data folder, for a single node.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { Comment, Entry, EventStatus } from '@livecomments/protocol';
import Database from 'better-sqlite3';
import type { AnalyticsDelta, StoredAnalytics } from './analytics.js';
import { sqliteAnalyticsReads } from './analytics.sqlite.js';
import type { ErasureRecord, ErasureRequest, ExportRow, SearchPage, SearchQuery } from './search.js';
import type {
  AppendItem,
  AppendResult,
  Ban,
  EmoteImage,
  EmoteLimits,
  EmoteRecord,
  EventRecord,
  EventRole,
  LikeOutcome,
  ModAction,
  NewEventRecord,
  PollRecord,
  PollVote,
  PutEmoteOutcome,
  ReplayFrom,
  Report,
  ReportedComment,
  Store,
  StoredComment,
} from './store.js';
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
import { emoteReads } from './store.sqlite.emotes.js';
import { GET_POLL } from './store.sqlite.interactions.js';
import { replayReads } from './store.sqlite.replay.js';
import { entryOfRow, withSeq } from './store.sqlite.rows.js';
import { searchReads } from './store.sqlite.search.js';
import { socialReads } from './store.sqlite.social.js';
import type { WriteReply, WriteRequest, WriterData } from './store.sqlite.worker.js';
import { type AppendOutcome, SqliteWriter, type WriteOp } from './store.sqlite.writer.js';
import type { Delivery, DeliveryOutcome, NewDelivery, OutboxItem, WebhookCounts } from './webhook-queue.js';
import { type DeliveryRow, deliveryFromRow, type OutboxRow, outboxFromRow } from './webhook-queue.rows.js';

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /** `synchronous` pragma: FULL (default) makes every commit durable before it returns. */
  synchronous?: 'FULL' | 'NORMAL';
  /**
   * Where writes run: `thread` (default) in a writer thread that owns the write connection, so
   * commits and their fsync do not block the event loop; `inline` on the caller's thread.
   */
  writer?: 'thread' | 'inline';
  /**
   * The node has webhooks of its own (LC_WEBHOOK_URL): every change goes to the webhook outbox.
   * Without it only the changes of events with webhooks in their settings do.
   */
  notifyAll?: boolean;
  /**
   * Writes run elsewhere: in another process that owns the writer (the primary of LC_WORKERS,
   * store.sqlite.ipc.ts). This store then only reads the file, beside that writer.
   */
  writes?: WriteRunner;
}

/** Runs write operations somewhere: on a writer thread, inline, or in another process. */
export interface WriteRunner {
  run(op: WriteOp, args: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * A store in one SQLite file (WAL mode). Writes go to one write connection (by default on its
 * own thread), which runs each `append` batch as one transaction and returns its seqs; reads run
 * on a second connection on the caller's thread, which WAL lets read beside the writer. A write's
 * promise resolves after its commit, so a read that follows it sees it.
 */
export class SqliteStore implements Store {
  /** The writer thread commits in order and merges appends that queue up while it commits. */
  readonly appendsInFlight: number;
  private readonly writer: WriteRunner;
  private db: Database.Database | null = null;
  private stmt: ReturnType<SqliteStore['prepare']> | null = null;
  private socialStmt: ReturnType<typeof socialReads> | null = null;
  private emoteStmt: ReturnType<typeof emoteReads> | null = null;
  private replayStmt: ReturnType<typeof replayReads> | null = null;
  private searchStmt: ReturnType<typeof searchReads> | null = null;
  private analyticsStmt: ReturnType<typeof sqliteAnalyticsReads> | null = null;

  constructor(
    private readonly path: string,
    options: SqliteStoreOptions = {},
  ) {
    const synchronous = options.synchronous ?? 'FULL';
    const inline = options.writer === 'inline';
    const notifyAll = options.notifyAll ?? false;
    this.writer =
      options.writes ??
      (inline ? new InlineWriter(path, synchronous, notifyAll) : new WriterThread({ path, synchronous, notifyAll }));
    this.appendsInFlight = inline ? 1 : 4;
  }

  async migrate(): Promise<void> {
    await this.writer.run('migrate', []);
    if (!this.db) {
      this.db = new Database(this.path);
      this.db.pragma('busy_timeout = 5000');
      // This connection only reads: every write goes through the writer.
      this.db.pragma('query_only = ON');
    }
    this.stmt ??= this.prepare(this.db);
  }

  async ping(): Promise<void> {
    this.q.ping.get();
  }

  async createEvent(event: NewEventRecord): Promise<void> {
    await this.writer.run('createEvent', [event]);
  }
  async getEvent(id: string): Promise<EventRecord | null> {
    const row = this.q.getEvent.get(id) as EventRow | undefined;
    return row ? eventFromRow(row) : null;
  }

  async listEvents(filter: { status?: EventStatus; limit: number }): Promise<EventRecord[]> {
    const rows = (
      filter.status ? this.q.listEventsByStatus.all(filter.status, filter.limit) : this.q.listEvents.all(filter.limit)
    ) as EventRow[];
    return rows.map(eventFromRow);
  }

  async append(items: AppendItem[]): Promise<AppendResult[]> {
    const outcomes = (await this.writer.run('append', [items])) as AppendOutcome[];
    return outcomes.map(function resultOf(o, n): AppendResult {
      if (typeof o === 'number') return { entry: withSeq(items[n]!.entry, o) };
      if (o === null) return { skipped: true };
      return 'entry' in o ? o : { existing: o };
    });
  }

  async readAfter(eventId: string, after: number, limit: number): Promise<Entry[]> {
    return (this.q.readAfter.all(eventId, after, limit) as { data: string }[]).map(entryOfRow);
  }

  async readBefore(eventId: string, before: number, limit: number): Promise<Entry[]> {
    return (this.q.readBefore.all(eventId, before, limit) as { data: string }[]).map(entryOfRow);
  }

  async getComment(eventId: string, commentId: string): Promise<StoredComment | null> {
    const row = this.q.getComment.get(eventId, commentId) as CommentRow | undefined;
    return row ? commentFromRow(row) : null;
  }

  async findByClientId(eventId: string, userId: string, clientId: string): Promise<StoredComment | null> {
    const row = this.q.findByClientId.get(eventId, userId, clientId) as CommentRow | undefined;
    return row ? commentFromRow(row) : null;
  }

  async holdComment(held: StoredComment): Promise<StoredComment> {
    return (await this.writer.run('holdComment', [held])) as StoredComment;
  }

  async listHeld(eventId: string, limit: number): Promise<StoredComment[]> {
    return (this.q.listHeld.all(eventId, limit) as CommentRow[]).map(commentFromRow);
  }

  async heldCount(): Promise<number> {
    return (this.q.heldCount.get() as { n: number }).n;
  }

  async rejectHeld(eventId: string, commentId: string): Promise<boolean> {
    return (await this.writer.run('rejectHeld', [eventId, commentId])) as boolean;
  }

  async getBan(eventId: string, userId: string): Promise<Ban | null> {
    const row = this.q.getBan.get(eventId, userId) as BanRow | undefined;
    return row ? banFromRow(row) : null;
  }

  async listBans(eventId: string): Promise<Ban[]> {
    return (this.q.listBans.all(eventId) as BanRow[]).map(banFromRow);
  }

  async putBan(ban: Ban): Promise<void> {
    await this.writer.run('putBan', [ban]);
  }

  async removeBan(eventId: string, userId: string): Promise<boolean> {
    return (await this.writer.run('removeBan', [eventId, userId])) as boolean;
  }

  async addModAction(a: ModAction): Promise<void> {
    await this.writer.run('addModAction', [a]);
  }

  async listModActions(eventId: string, limit: number): Promise<ModAction[]> {
    return (this.q.listModActions.all(eventId, limit) as ModActionRow[]).map(modActionFromRow);
  }

  async readOutbox(limit: number): Promise<OutboxItem[]> {
    return (this.q.readOutbox.all(limit) as OutboxRow[]).map(outboxFromRow);
  }

  async expandOutbox(outboxIds: number[], deliveries: NewDelivery[]): Promise<number> {
    return (await this.writer.run('expandOutbox', [outboxIds, deliveries])) as number;
  }

  async claimDeliveries(now: number, limit: number, leaseMs: number): Promise<Delivery[]> {
    return (await this.writer.run('claimDeliveries', [now, limit, leaseMs])) as Delivery[];
  }

  async settleDelivery(id: number, outcome: DeliveryOutcome): Promise<void> {
    await this.writer.run('settleDelivery', [id, outcome]);
  }

  async listDeadDeliveries(limit: number): Promise<Delivery[]> {
    return (this.q.listDead.all(limit) as DeliveryRow[]).map(deliveryFromRow);
  }

  async requeueDead(ids: number[] | 'all', now: number): Promise<number> {
    return (await this.writer.run('requeueDead', [ids, now])) as number;
  }

  async webhookCounts(): Promise<WebhookCounts> {
    return this.q.webhookCounts.get() as WebhookCounts;
  }

  // Event roles, reports and replies (store.sqlite.social.ts).
  async listRoles(eventId: string): Promise<EventRole[]> {
    return this.social.listRoles(eventId);
  }

  async putRole(role: EventRole): Promise<void> {
    await this.writer.run('putRole', [role]);
  }

  async removeModerator(eventId: string, userId: string): Promise<boolean> {
    return (await this.writer.run('removeModerator', [eventId, userId])) as boolean;
  }

  async addReport(report: Report): Promise<boolean> {
    return (await this.writer.run('addReport', [report])) as boolean;
  }

  async listReported(eventId: string, limit: number): Promise<ReportedComment[]> {
    return this.social.listReported(eventId, limit);
  }

  async closeReports(eventId: string, commentId: string): Promise<number> {
    return (await this.writer.run('closeReports', [eventId, commentId])) as number;
  }

  async listReplies(eventId: string, parentId: string, limit: number): Promise<Comment[]> {
    return this.social.listReplies(eventId, parentId, limit);
  }

  // Custom emotes (store.sqlite.emotes.ts); the picture crosses to the writer as base64.
  async putEmote(emote: EmoteRecord, image: Uint8Array | null, limits: EmoteLimits): Promise<PutEmoteOutcome> {
    const encoded = image === null ? null : Buffer.from(image).toString('base64');
    return (await this.writer.run('putEmote', [emote, encoded, limits])) as PutEmoteOutcome;
  }

  async removeEmote(eventId: string, code: string): Promise<boolean> {
    return (await this.writer.run('removeEmote', [eventId, code])) as boolean;
  }

  async listEmotes(eventId: string): Promise<EmoteRecord[]> {
    return this.emoteQueries.listEmotes(eventId);
  }

  async emoteImage(id: string): Promise<EmoteImage | null> {
    return this.emoteQueries.emoteImage(id);
  }

  private get emoteQueries(): ReturnType<typeof emoteReads> {
    if (!this.db) throw new Error('SqliteStore: call migrate() first');
    this.emoteStmt ??= emoteReads(this.db);
    return this.emoteStmt;
  }

  async readReplay(eventId: string, from: ReplayFrom, limit: number): Promise<Comment[]> {
    if (!this.db) throw new Error('SqliteStore: call migrate() first');
    this.replayStmt ??= replayReads(this.db);
    return this.replayStmt.readReplay(eventId, from, limit);
  }

  // The chat archive (store.sqlite.search.ts).
  async indexLog(eventId: string, limit: number): Promise<number> {
    return (await this.writer.run('indexLog', [eventId, limit])) as number;
  }

  async eventsBehind(limit: number): Promise<string[]> {
    return this.archive.eventsBehind(limit);
  }

  async search(q: SearchQuery): Promise<SearchPage> {
    return this.archive.search(q);
  }

  async exportPage(eventId: string, after: string, limit: number): Promise<ExportRow[]> {
    return this.archive.exportPage(eventId, after, limit);
  }

  async expireText(now: number, defaultDays: number | null, limit: number): Promise<number> {
    return (await this.writer.run('expireText', [now, defaultDays, limit])) as number;
  }

  async publishedOf(userId: string, limit: number): Promise<{ eventId: string; commentId: string }[]> {
    return this.archive.publishedOf(userId, limit);
  }

  async eraseHidden(userId: string, limit: number): Promise<{ eventId: string; commentId: string }[]> {
    return (await this.writer.run('eraseHidden', [userId, limit])) as { eventId: string; commentId: string }[];
  }

  async eraseActionText(userId: string, limit: number): Promise<number> {
    return (await this.writer.run('eraseActionText', [userId, limit])) as number;
  }

  async recordErasure(erasure: ErasureRequest): Promise<ErasureRecord> {
    return (await this.writer.run('recordErasure', [erasure])) as ErasureRecord;
  }

  async listErasures(limit: number): Promise<ErasureRecord[]> {
    return this.archive.listErasures(limit);
  }

  private get archive(): ReturnType<typeof searchReads> {
    if (!this.db) throw new Error('SqliteStore: call migrate() first');
    this.searchStmt ??= searchReads(this.db);
    return this.searchStmt;
  }

  private get social(): ReturnType<typeof socialReads> {
    if (!this.db) throw new Error('SqliteStore: call migrate() first');
    this.socialStmt ??= socialReads(this.db);
    return this.socialStmt;
  }

  async getPoll(eventId: string, pollId: string): Promise<PollRecord | null> {
    const row = this.q.getPoll.get(eventId, pollId) as PollRow | undefined;
    return row ? pollFromRow(row) : null;
  }

  async vote(vote: PollVote): Promise<boolean> {
    return (await this.writer.run('vote', [vote])) as boolean;
  }

  async addReactions(
    eventId: string,
    counts: Readonly<Record<string, number>>,
    byMinute?: Readonly<Record<string, number>>,
  ): Promise<void> {
    await this.writer.run('addReactions', [eventId, counts, byMinute]);
  }

  // Analytics (analytics.sqlite.ts).
  async analyticsCursor(eventId: string): Promise<number> {
    return this.analytics.cursor(eventId);
  }

  async applyAnalytics(deltas: AnalyticsDelta[]): Promise<boolean[]> {
    if (deltas.length === 0) return [];
    return (await this.writer.run('applyAnalytics', [deltas])) as boolean[];
  }

  async readAnalytics(eventId: string, query: { from: number; to: number; top: number }): Promise<StoredAnalytics> {
    return this.analytics.read(eventId, query);
  }

  private get analytics(): ReturnType<typeof sqliteAnalyticsReads> {
    if (!this.db) throw new Error('SqliteStore: call migrate() first');
    this.analyticsStmt ??= sqliteAnalyticsReads(this.db);
    return this.analyticsStmt;
  }

  async reactionTotals(eventId: string): Promise<Record<string, number>> {
    const totals: Record<string, number> = {};
    for (const row of this.q.reactionTotals.all(eventId) as { emoji: string; n: number }[]) totals[row.emoji] = row.n;
    return totals;
  }

  async setLike(eventId: string, commentId: string, userId: string, liked: boolean): Promise<LikeOutcome> {
    return (await this.writer.run('setLike', [eventId, commentId, userId, liked])) as LikeOutcome;
  }

  async likeCounts(eventId: string, commentIds: readonly string[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    if (commentIds.length === 0) return counts;
    const rows = this.q.likeCounts.all(eventId, JSON.stringify(commentIds)) as { comment_id: string; n: number }[];
    for (const row of rows) if (row.n > 0) counts[row.comment_id] = row.n;
    return counts;
  }

  async close(): Promise<void> {
    await this.writer.close();
    if (this.db?.open) this.db.close();
  }

  private get q(): ReturnType<SqliteStore['prepare']> {
    if (!this.stmt) throw new Error('SqliteStore: call migrate() first');
    return this.stmt;
  }

  private prepare(db: Database.Database) {
    return {
      ping: db.prepare('SELECT 1'),
      getEvent: db.prepare('SELECT * FROM events WHERE id = ?'),
      listEvents: db.prepare('SELECT * FROM events ORDER BY created_at DESC LIMIT ?'),
      listEventsByStatus: db.prepare('SELECT * FROM events WHERE status = ? ORDER BY created_at DESC LIMIT ?'),
      readAfter: db.prepare('SELECT data FROM log WHERE event_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?'),
      readBefore: db.prepare('SELECT data FROM log WHERE event_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
      getComment: db.prepare('SELECT * FROM comments WHERE event_id = ? AND id = ?'),
      findByClientId: db.prepare('SELECT * FROM comments WHERE event_id = ? AND user_id = ? AND client_id = ?'),
      listHeld: db.prepare(
        "SELECT * FROM comments WHERE event_id = ? AND status = 'held' ORDER BY created_at ASC, id ASC LIMIT ?",
      ),
      heldCount: db.prepare("SELECT count(*) AS n FROM comments WHERE status = 'held'"),
      getBan: db.prepare('SELECT * FROM bans WHERE event_id = ? AND user_id = ?'),
      listBans: db.prepare('SELECT * FROM bans WHERE event_id = ? ORDER BY created_at DESC'),
      listModActions: db.prepare('SELECT * FROM mod_actions WHERE event_id = ? ORDER BY id DESC LIMIT ?'),
      readOutbox: db.prepare('SELECT * FROM webhook_outbox ORDER BY id LIMIT ?'),
      listDead: db.prepare("SELECT * FROM webhook_deliveries WHERE state = 'dead' ORDER BY id DESC LIMIT ?"),
      webhookCounts: db.prepare(
        "SELECT (SELECT count(*) FROM webhook_outbox) AS outbox, (SELECT count(*) FROM webhook_deliveries WHERE state = 'pending') AS pending, (SELECT count(*) FROM webhook_deliveries WHERE state = 'dead') AS dead",
      ),
      getPoll: db.prepare(GET_POLL),
      reactionTotals: db.prepare('SELECT emoji, n FROM reaction_totals WHERE event_id = ?'),
      likeCounts: db.prepare(
        'SELECT comment_id, n FROM like_counts WHERE event_id = ? AND comment_id IN (SELECT value FROM json_each(?))',
      ),
    };
  }
}

/** Writes on the caller's thread (each call blocks it until its commit). */
class InlineWriter implements WriteRunner {
  private readonly writer: SqliteWriter;

  constructor(path: string, synchronous: 'FULL' | 'NORMAL', notifyAll: boolean) {
    this.writer = new SqliteWriter(path, synchronous, notifyAll);
  }

  async run(op: WriteOp, args: unknown[]): Promise<unknown> {
    return (this.writer[op] as (...a: unknown[]) => unknown).apply(this.writer, args);
  }

  async close(): Promise<void> {
    this.writer.close();
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * The writer thread, seen from the store (or from the primary of LC_WORKERS, which runs the
 * writes of every worker on it). Requests are answered in order. A thread that dies
 * fails what it had in hand at once (callers answer `unavailable`, they never hang) and the next
 * write starts a new one. The thread holds the process open only while it has work.
 */
export class WriterThread implements WriteRunner {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly data: WriterData) {}

  run(op: WriteOp, args: unknown[]): Promise<unknown> {
    return this.runEncoded(op, JSON.stringify(args));
  }

  /** Runs an operation whose arguments are already JSON (as a worker process sends them). */
  runEncoded(op: WriteOp, args: string): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the SQLite store is closed'));
    const worker = this.worker ?? this.start();
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      if (this.pending.size === 0) worker.ref();
      this.pending.set(id, { resolve, reject });
      const request: WriteRequest = { id, op, args };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (!worker) return;
    worker.ref();
    const exited = once(worker, 'exit');
    worker.postMessage('close');
    await exited;
  }

  private start(): Worker {
    const worker = new Worker(new URL('./store.sqlite.worker.js', import.meta.url), { workerData: this.data });
    worker.unref();
    worker.on('message', (replies: WriteReply[]) => {
      for (const reply of replies) this.answered(worker, reply);
    });
    worker.on('error', (error: Error) => this.stopped(worker, error.message));
    worker.on('exit', (code: number) => this.stopped(worker, `exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private answered(worker: Worker, reply: WriteReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    if ('error' in reply) {
      const error = new Error(reply.error.message) as Error & { code?: string };
      if (reply.error.code !== undefined) error.code = reply.error.code;
      waiting.reject(error);
    } else {
      waiting.resolve(reply.value);
    }
  }

  private stopped(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    const failure = new Error(`the SQLite writer thread stopped (${why})`);
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) w.reject(failure);
  }
}
