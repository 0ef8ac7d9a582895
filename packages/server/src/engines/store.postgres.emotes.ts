// The PostgreSQL store's custom emotes, kept apart from the log's queries.
import type pg from 'pg';
import { checkOut } from './pg-client.js';
import type { EmoteImage, EmoteLimits, EmoteRecord, PutEmoteOutcome } from './store.js';
import { type EmoteRow, emoteFromRow } from './store.rows.js';

/** The emotes table (one self-contained migration). */
export const EMOTES_MIGRATION = `
  CREATE TABLE IF NOT EXISTS emotes (
    event_id     text NOT NULL,
    code         text NOT NULL,
    id           text NOT NULL,
    owner_id     text NOT NULL,
    url          text,
    content_type text,
    width        integer,
    height       integer,
    image        bytea,
    created_at   bigint NOT NULL,
    PRIMARY KEY (event_id, code)
  );
  CREATE UNIQUE INDEX IF NOT EXISTS emotes_by_id ON emotes (id);
  CREATE INDEX IF NOT EXISTS emotes_by_owner ON emotes (owner_id);
`;

/** Any fixed number: the advisory lock class of one owner's emotes (with the owner's hash). */
const OWNER_LOCK = 0x6c63_0e0e;

/** The store's emote methods over a pool. */
export function postgresEmotes(pool: pg.Pool) {
  return {
    async putEmote(e: EmoteRecord, image: Uint8Array | null, limits: EmoteLimits): Promise<PutEmoteOutcome> {
      const { client, release } = await checkOut(pool);
      try {
        await client.query('BEGIN');
        // One owner's emotes change one at a time across nodes, so the counts hold.
        await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [OWNER_LOCK, e.ownerId]);
        const known = await client.query('SELECT 1 FROM emotes WHERE event_id = $1 AND code = $2', [e.eventId, e.code]);
        if (known.rowCount === 0) {
          const counts = await client.query<{ ev: string; own: string }>(
            `SELECT (SELECT count(*) FROM emotes WHERE event_id = $1) AS ev,
                    (SELECT count(*) FROM emotes WHERE owner_id = $2) AS own`,
            [e.eventId, e.ownerId],
          );
          const row = counts.rows[0]!;
          const outcome: PutEmoteOutcome | null =
            Number(row.ev) >= limits.perEvent ? 'event_full' : Number(row.own) >= limits.perOwner ? 'owner_full' : null;
          if (outcome) {
            await client.query('ROLLBACK');
            return outcome;
          }
        }
        await client.query(
          `INSERT INTO emotes (event_id, code, id, owner_id, url, content_type, width, height, image, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (event_id, code) DO UPDATE SET id = excluded.id, owner_id = excluded.owner_id,
             url = excluded.url, content_type = excluded.content_type, width = excluded.width,
             height = excluded.height, image = excluded.image, created_at = excluded.created_at`,
          [
            e.eventId,
            e.code,
            e.id,
            e.ownerId,
            e.url,
            e.contentType,
            e.width,
            e.height,
            image === null ? null : Buffer.from(image),
            e.createdAt,
          ],
        );
        await client.query('COMMIT');
        return 'stored';
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        release();
      }
    },
    async removeEmote(eventId: string, code: string): Promise<boolean> {
      const { rowCount } = await pool.query('DELETE FROM emotes WHERE event_id = $1 AND code = $2', [eventId, code]);
      return (rowCount ?? 0) > 0;
    },
    async listEmotes(eventId: string): Promise<EmoteRecord[]> {
      const { rows } = await pool.query<EmoteRow>(
        `SELECT event_id, code, id, owner_id, url, content_type, width, height, created_at FROM emotes
         WHERE event_id = $1 ORDER BY created_at, code`,
        [eventId],
      );
      return rows.map(emoteFromRow);
    },
    async emoteImage(id: string): Promise<EmoteImage | null> {
      const { rows } = await pool.query<{ content_type: string; image: Buffer }>(
        'SELECT content_type, image FROM emotes WHERE id = $1 AND image IS NOT NULL',
        [id],
      );
      const row = rows[0];
      return row ? { contentType: row.content_type, bytes: new Uint8Array(row.image) } : null;
    },
  };
}
