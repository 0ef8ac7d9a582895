// The SQLite store's custom emotes: reads on the caller's thread, writes on the writer's
// connection (the picture crosses the thread as base64, since write requests travel as JSON).
import type Database from 'better-sqlite3';
import type { EmoteImage, EmoteLimits, EmoteRecord, PutEmoteOutcome } from './store.js';
import { type EmoteRow, emoteFromRow } from './store.rows.js';

/** The emotes table (one self-contained migration). */
export const EMOTES_MIGRATION = `
  CREATE TABLE IF NOT EXISTS emotes (
    event_id TEXT NOT NULL, code TEXT NOT NULL, id TEXT NOT NULL, owner_id TEXT NOT NULL, url TEXT,
    content_type TEXT, width INTEGER, height INTEGER, image BLOB, created_at INTEGER NOT NULL,
    PRIMARY KEY (event_id, code));
  CREATE UNIQUE INDEX IF NOT EXISTS emotes_by_id ON emotes (id);
  CREATE INDEX IF NOT EXISTS emotes_by_owner ON emotes (owner_id);`;

/** The reads, on the store's read connection. */
export function emoteReads(db: Database.Database) {
  const q = {
    list: db.prepare(
      'SELECT event_id, code, id, owner_id, url, content_type, width, height, created_at FROM emotes WHERE event_id = ? ORDER BY created_at, code',
    ),
    image: db.prepare('SELECT content_type, image FROM emotes WHERE id = ? AND image IS NOT NULL'),
  };
  return {
    listEmotes(eventId: string): EmoteRecord[] {
      return (q.list.all(eventId) as EmoteRow[]).map(emoteFromRow);
    },
    emoteImage(id: string): EmoteImage | null {
      const row = q.image.get(id) as { content_type: string; image: Buffer } | undefined;
      return row ? { contentType: row.content_type, bytes: new Uint8Array(row.image) } : null;
    },
  };
}

/** The writes, on the writer's connection; `putEmote` checks the limits in its transaction. */
export function emoteWrites(db: Database.Database) {
  const q = {
    exists: db.prepare('SELECT 1 FROM emotes WHERE event_id = ? AND code = ?'),
    perEvent: db.prepare('SELECT count(*) AS n FROM emotes WHERE event_id = ?'),
    perOwner: db.prepare('SELECT count(*) AS n FROM emotes WHERE owner_id = ?'),
    put: db.prepare(
      `INSERT OR REPLACE INTO emotes (event_id, code, id, owner_id, url, content_type, width, height, image, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    remove: db.prepare('DELETE FROM emotes WHERE event_id = ? AND code = ?'),
  };
  const count = (stmt: Database.Statement, key: string) => Number((stmt.get(key) as { n: number }).n);
  // Immediate: the counts are read under the write lock, so writers on other connections wait.
  const put = db.transaction((e: EmoteRecord, image: Buffer | null, limits: EmoteLimits): PutEmoteOutcome => {
    if (!q.exists.get(e.eventId, e.code)) {
      if (count(q.perEvent, e.eventId) >= limits.perEvent) return 'event_full';
      if (count(q.perOwner, e.ownerId) >= limits.perOwner) return 'owner_full';
    }
    q.put.run(e.eventId, e.code, e.id, e.ownerId, e.url, e.contentType, e.width, e.height, image, e.createdAt);
    return 'stored';
  }).immediate;
  return {
    putEmote(emote: EmoteRecord, imageBase64: string | null, limits: EmoteLimits): PutEmoteOutcome {
      return put(emote, imageBase64 === null ? null : Buffer.from(imageBase64, 'base64'), limits);
    },
    removeEmote(eventId: string, code: string): boolean {
      return q.remove.run(eventId, code).changes > 0;
    },
  };
}
