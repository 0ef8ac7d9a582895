// The SQLite store: the embedded default, one file in the data folder, for a single node.
import type { Entry, EventSettings, EventStatus } from '@livecomments/protocol';
import Database from 'better-sqlite3';
import type {
  AppendItem,
  AppendResult,
  Ban,
  CommentStatus,
  EventRecord,
  ModAction,
  Store,
  StoredComment,
} from './store.js';

/** Schema versions in order; each runs once, in one transaction. */
const MIGRATIONS: string[] = [
  `CREATE TABLE events (
     id TEXT PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL, owner_id TEXT NOT NULL,
     created_at INTEGER NOT NULL, ended_at INTEGER, last_seq INTEGER NOT NULL DEFAULT 0,
     settings TEXT NOT NULL);
   CREATE INDEX events_by_status ON events (status, created_at DESC);
   CREATE TABLE log (
     event_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,
     comment_id TEXT, PRIMARY KEY (event_id, seq)) WITHOUT ROWID;
   CREATE TABLE comments (
     event_id TEXT NOT NULL, id TEXT NOT NULL, user_id TEXT NOT NULL, user_name TEXT NOT NULL,
     text TEXT NOT NULL, created_at INTEGER NOT NULL, parent_id TEXT, seq INTEGER,
     status TEXT NOT NULL, client_id TEXT, scores TEXT, reasons TEXT,
     PRIMARY KEY (event_id, id));
   CREATE UNIQUE INDEX comments_by_client ON comments (event_id, user_id, client_id)
     WHERE client_id IS NOT NULL;
   CREATE INDEX comments_by_status ON comments (event_id, status, created_at);
   CREATE TABLE bans (
     event_id TEXT NOT NULL, user_id TEXT NOT NULL, until INTEGER, reason TEXT,
     by_id TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (event_id, user_id));
   CREATE TABLE mod_actions (
     id INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL, action TEXT NOT NULL,
     actor_id TEXT NOT NULL, at INTEGER NOT NULL, target_id TEXT, reason TEXT, text TEXT,
     details TEXT);
   CREATE INDEX mod_actions_by_event ON mod_actions (event_id, id DESC);`,
];

interface EventRow {
  id: string;
  title: string;
  status: EventStatus;
  owner_id: string;
  created_at: number;
  ended_at: number | null;
  last_seq: number;
  settings: string;
}

interface CommentRow {
  event_id: string;
  id: string;
  user_id: string;
  user_name: string;
  text: string;
  created_at: number;
  parent_id: string | null;
  seq: number | null;
  status: CommentStatus;
  client_id: string | null;
  scores: string | null;
  reasons: string | null;
}

interface BanRow {
  event_id: string;
  user_id: string;
  until: number | null;
  reason: string | null;
  by_id: string;
  created_at: number;
}

interface ModActionRow {
  event_id: string;
  action: ModAction['action'];
  actor_id: string;
  at: number;
  target_id: string | null;
  reason: string | null;
  text: string | null;
  details: string | null;
}

/** Options of the SQLite store. */
export interface SqliteStoreOptions {
  /** `synchronous` pragma: FULL (default) makes every commit durable before it returns. */
  synchronous?: 'FULL' | 'NORMAL';
}

/**
 * A store in one SQLite file (WAL mode). better-sqlite3 is synchronous, so each call runs to its
 * end before another starts: `append` takes the next seqs and writes the batch in one transaction.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private stmt: ReturnType<SqliteStore['prepare']> | null = null;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = OFF');
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
    const row = this.db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
    const current = row.v ?? 0;
    for (let v = current; v < MIGRATIONS.length; v++) {
      this.db.transaction(() => {
        this.db.exec(MIGRATIONS[v]!);
        this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(v + 1);
      })();
    }
    this.stmt = this.prepare();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async createEvent(event: EventRecord): Promise<void> {
    this.q.insertEvent.run(
      event.id,
      event.title,
      event.status,
      event.ownerId,
      event.createdAt,
      event.endedAt ?? null,
      event.lastSeq,
      JSON.stringify(event.settings),
    );
  }

  async getEvent(id: string): Promise<EventRecord | null> {
    const row = this.q.getEvent.get(id) as EventRow | undefined;
    return row ? toEvent(row) : null;
  }

  async listEvents(filter: { status?: EventStatus; limit: number }): Promise<EventRecord[]> {
    const rows = (
      filter.status ? this.q.listEventsByStatus.all(filter.status, filter.limit) : this.q.listEvents.all(filter.limit)
    ) as EventRow[];
    return rows.map(toEvent);
  }

  async append(items: AppendItem[]): Promise<AppendResult[]> {
    return this.appendTx(items);
  }

  private readonly appendTx = (items: AppendItem[]): AppendResult[] => this.db.transaction(this.appendAll)(items);

  /** Runs inside the transaction: each item gets its event's next seq unless it is a retry. */
  private readonly appendAll = (items: AppendItem[]): AppendResult[] => {
    const q = this.q;
    return items.map((item): AppendResult => {
      const { eventId, entry } = item;
      if (entry.type === 'comment' && item.clientId !== undefined) {
        const prior = q.findByClientId.get(eventId, entry.comment.user.id, item.clientId) as CommentRow | undefined;
        if (prior && prior.id !== entry.comment.id) return { existing: toStored(prior) };
      }
      let held = false;
      if (entry.type === 'comment') {
        // Appending a comment twice (say, two moderators approving it at once) is a no-op.
        const same = q.getComment.get(eventId, entry.comment.id) as CommentRow | undefined;
        if (same && same.status !== 'held') return { existing: toStored(same) };
        held = same !== undefined;
      }
      const head = q.nextSeq.get(eventId) as { last_seq: number } | undefined;
      if (!head) throw new Error(`append to unknown event ${eventId}`);
      const seq = head.last_seq;
      const full = { seq, ...entry } as Entry;
      if (full.type === 'comment') {
        full.comment = { ...full.comment, seq };
        const c = full.comment;
        // Only an approved held comment has a row already; a new one skips the update.
        const changed = held ? q.publishHeld.run(seq, c.text, eventId, c.id).changes : 0;
        if (changed === 0) {
          q.insertComment.run(
            eventId,
            c.id,
            c.user.id,
            c.user.name,
            c.text,
            c.createdAt,
            c.parentId ?? null,
            seq,
            'published',
            item.clientId ?? null,
            null,
            null,
          );
        }
        q.insertLog.run(eventId, seq, full.type, JSON.stringify(full), c.id);
      } else {
        if (full.type === 'delete') {
          q.deleteComment.run(eventId, full.commentId);
          const row = q.logOfComment.get(eventId, full.commentId) as { seq: number; data: string } | undefined;
          if (row) {
            const old = JSON.parse(row.data) as Entry;
            if (old.type === 'comment') old.comment.text = '';
            q.updateLog.run(JSON.stringify(old), eventId, row.seq);
          }
        } else if (full.type === 'ban') {
          // Keeps a ban recorded with putBan (reason, author) and only updates its end.
          q.recordBan.run(eventId, full.userId, full.until, Date.now());
        } else if (full.type === 'event') {
          full.event = { ...full.event, lastSeq: seq };
          const e = full.event;
          q.updateEvent.run(e.title, e.status, e.endedAt ?? null, JSON.stringify(e.settings), eventId);
        }
        q.insertLog.run(eventId, seq, full.type, JSON.stringify(full), null);
      }
      return { entry: full };
    });
  };

  async readAfter(eventId: string, after: number, limit: number): Promise<Entry[]> {
    return (this.q.readAfter.all(eventId, after, limit) as { data: string }[]).map((r) => JSON.parse(r.data) as Entry);
  }

  async readBefore(eventId: string, before: number, limit: number): Promise<Entry[]> {
    return (this.q.readBefore.all(eventId, before, limit) as { data: string }[]).map(
      (r) => JSON.parse(r.data) as Entry,
    );
  }

  async getComment(eventId: string, commentId: string): Promise<StoredComment | null> {
    const row = this.q.getComment.get(eventId, commentId) as CommentRow | undefined;
    return row ? toStored(row) : null;
  }

  async findByClientId(eventId: string, userId: string, clientId: string): Promise<StoredComment | null> {
    const row = this.q.findByClientId.get(eventId, userId, clientId) as CommentRow | undefined;
    return row ? toStored(row) : null;
  }

  async holdComment(held: StoredComment): Promise<StoredComment> {
    const c = held.comment;
    return this.db.transaction((): StoredComment => {
      if (held.clientId !== undefined) {
        const prior = this.q.findByClientId.get(c.eventId, c.user.id, held.clientId) as CommentRow | undefined;
        if (prior) return toStored(prior);
      }
      this.q.insertComment.run(
        c.eventId,
        c.id,
        c.user.id,
        c.user.name,
        c.text,
        c.createdAt,
        c.parentId ?? null,
        null,
        'held',
        held.clientId ?? null,
        held.scores ? JSON.stringify(held.scores) : null,
        held.reasons ? JSON.stringify(held.reasons) : null,
      );
      return { ...held, status: 'held', comment: { ...c, seq: null } };
    })();
  }

  async listHeld(eventId: string, limit: number): Promise<StoredComment[]> {
    return (this.q.listHeld.all(eventId, limit) as CommentRow[]).map(toStored);
  }

  async rejectHeld(eventId: string, commentId: string): Promise<boolean> {
    return this.q.rejectHeld.run(eventId, commentId).changes > 0;
  }

  async getBan(eventId: string, userId: string): Promise<Ban | null> {
    const row = this.q.getBan.get(eventId, userId) as BanRow | undefined;
    return row ? toBan(row) : null;
  }

  async listBans(eventId: string): Promise<Ban[]> {
    return (this.q.listBans.all(eventId) as BanRow[]).map(toBan);
  }

  async putBan(ban: Ban): Promise<void> {
    this.q.putBan.run(ban.eventId, ban.userId, ban.until, ban.reason ?? null, ban.by, ban.createdAt);
  }

  async removeBan(eventId: string, userId: string): Promise<boolean> {
    return this.q.removeBan.run(eventId, userId).changes > 0;
  }

  async addModAction(a: ModAction): Promise<void> {
    this.q.addModAction.run(
      a.eventId,
      a.action,
      a.actorId,
      a.at,
      a.targetId ?? null,
      a.reason ?? null,
      a.text ?? null,
      a.details ? JSON.stringify(a.details) : null,
    );
  }

  async listModActions(eventId: string, limit: number): Promise<ModAction[]> {
    return (this.q.listModActions.all(eventId, limit) as ModActionRow[]).map(toModAction);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private get q(): ReturnType<SqliteStore['prepare']> {
    if (!this.stmt) throw new Error('SqliteStore: call migrate() first');
    return this.stmt;
  }

  private prepare() {
    const db = this.db;
    return {
      insertEvent: db.prepare(
        'INSERT INTO events (id, title, status, owner_id, created_at, ended_at, last_seq, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      getEvent: db.prepare('SELECT * FROM events WHERE id = ?'),
      listEvents: db.prepare('SELECT * FROM events ORDER BY created_at DESC LIMIT ?'),
      listEventsByStatus: db.prepare('SELECT * FROM events WHERE status = ? ORDER BY created_at DESC LIMIT ?'),
      nextSeq: db.prepare('UPDATE events SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq'),
      updateEvent: db.prepare('UPDATE events SET title = ?, status = ?, ended_at = ?, settings = ? WHERE id = ?'),
      insertLog: db.prepare('INSERT INTO log (event_id, seq, type, data, comment_id) VALUES (?, ?, ?, ?, ?)'),
      updateLog: db.prepare('UPDATE log SET data = ? WHERE event_id = ? AND seq = ?'),
      logOfComment: db.prepare(
        "SELECT l.seq, l.data FROM comments c JOIN log l ON l.event_id = c.event_id AND l.seq = c.seq WHERE c.event_id = ? AND c.id = ? AND l.type = 'comment'",
      ),
      readAfter: db.prepare('SELECT data FROM log WHERE event_id = ? AND seq > ? ORDER BY seq ASC LIMIT ?'),
      readBefore: db.prepare('SELECT data FROM log WHERE event_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?'),
      insertComment: db.prepare(
        'INSERT INTO comments (event_id, id, user_id, user_name, text, created_at, parent_id, seq, status, client_id, scores, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      publishHeld: db.prepare(
        "UPDATE comments SET seq = ?, status = 'published', text = ? WHERE event_id = ? AND id = ? AND status = 'held'",
      ),
      deleteComment: db.prepare("UPDATE comments SET status = 'deleted', text = '' WHERE event_id = ? AND id = ?"),
      getComment: db.prepare('SELECT * FROM comments WHERE event_id = ? AND id = ?'),
      findByClientId: db.prepare('SELECT * FROM comments WHERE event_id = ? AND user_id = ? AND client_id = ?'),
      listHeld: db.prepare(
        "SELECT * FROM comments WHERE event_id = ? AND status = 'held' ORDER BY created_at ASC, id ASC LIMIT ?",
      ),
      rejectHeld: db.prepare(
        "UPDATE comments SET status = 'rejected' WHERE event_id = ? AND id = ? AND status = 'held'",
      ),
      getBan: db.prepare('SELECT * FROM bans WHERE event_id = ? AND user_id = ?'),
      listBans: db.prepare('SELECT * FROM bans WHERE event_id = ? ORDER BY created_at DESC'),
      putBan: db.prepare(
        'INSERT OR REPLACE INTO bans (event_id, user_id, until, reason, by_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      recordBan: db.prepare(
        "INSERT INTO bans (event_id, user_id, until, reason, by_id, created_at) VALUES (?, ?, ?, NULL, '', ?) ON CONFLICT (event_id, user_id) DO UPDATE SET until = excluded.until",
      ),
      removeBan: db.prepare('DELETE FROM bans WHERE event_id = ? AND user_id = ?'),
      addModAction: db.prepare(
        'INSERT INTO mod_actions (event_id, action, actor_id, at, target_id, reason, text, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      listModActions: db.prepare('SELECT * FROM mod_actions WHERE event_id = ? ORDER BY id DESC LIMIT ?'),
    };
  }
}

function toEvent(row: EventRow): EventRecord {
  const event: EventRecord = {
    id: row.id,
    title: row.title,
    status: row.status,
    ownerId: row.owner_id,
    createdAt: row.created_at,
    lastSeq: row.last_seq,
    settings: JSON.parse(row.settings) as EventSettings,
  };
  if (row.ended_at !== null) event.endedAt = row.ended_at;
  return event;
}

function toStored(row: CommentRow): StoredComment {
  const stored: StoredComment = {
    comment: {
      id: row.id,
      eventId: row.event_id,
      seq: row.seq,
      user: { id: row.user_id, name: row.user_name },
      text: row.text,
      createdAt: row.created_at,
    },
    status: row.status,
  };
  if (row.parent_id !== null) stored.comment.parentId = row.parent_id;
  if (row.client_id !== null) stored.clientId = row.client_id;
  if (row.scores !== null) stored.scores = JSON.parse(row.scores) as Record<string, number>;
  if (row.reasons !== null) stored.reasons = JSON.parse(row.reasons) as string[];
  return stored;
}

function toBan(row: BanRow): Ban {
  const ban: Ban = {
    eventId: row.event_id,
    userId: row.user_id,
    until: row.until,
    by: row.by_id,
    createdAt: row.created_at,
  };
  if (row.reason !== null) ban.reason = row.reason;
  return ban;
}

function toModAction(row: ModActionRow): ModAction {
  const action: ModAction = { eventId: row.event_id, action: row.action, actorId: row.actor_id, at: row.at };
  if (row.target_id !== null) action.targetId = row.target_id;
  if (row.reason !== null) action.reason = row.reason;
  if (row.text !== null) action.text = row.text;
  if (row.details !== null) action.details = JSON.parse(row.details) as Record<string, unknown>;
  return action;
}
