// The SQLite writer's part for pins and polls: what `pin`, `unpin` and `poll` entries do to the
// event and the polls inside the append transaction, and the votes. Its twin is the PostgreSQL
// function in sql/lc_append_interactions.v1.sql; the store contract suite specifies both.
import type { CurrentPin, Entry, NewEntry, Poll } from '@livecomments/protocol';
import type Database from 'better-sqlite3';
import type { AppendItem, PollVote } from './store.js';
import { type PollRow, pollFromRow } from './store.rows.js';
import { withSeq } from './store.sqlite.rows.js';

/** Whether an entry is one of those this module handles. */
export function isInteraction(entry: NewEntry): boolean {
  return entry.type === 'pin' || entry.type === 'unpin' || entry.type === 'poll';
}

/** Pins, unpins, poll entries and votes on the write connection. */
export class SqliteInteractions {
  private readonly q: ReturnType<typeof prepare>;

  constructor(db: Database.Database) {
    this.q = prepare(db);
  }

  /**
   * Inside the append transaction: the entry as it goes into the log at `seq` (a `poll` entry
   * with the votes counted), or null when its condition does not hold and nothing is appended.
   */
  append(item: AppendItem, seq: number): Entry | null {
    const { eventId } = item;
    const full = withSeq(item.entry, seq);
    if (full.type === 'pin') {
      const current: CurrentPin = { ...full.pin, seq };
      this.q.setPin.run(JSON.stringify(current), eventId);
    } else if (full.type === 'unpin') {
      if (item.ifPinSeq !== undefined) {
        const row = this.q.pinOf.get(eventId) as { pin: string | null } | undefined;
        const pin = row?.pin ? (JSON.parse(row.pin) as CurrentPin) : null;
        if (pin?.seq !== item.ifPinSeq) return null;
      }
      this.q.setPin.run(null, eventId);
    } else if (full.type === 'poll') {
      const poll = this.counted(eventId, full.poll);
      if (!poll) return null;
      full.poll = poll;
      this.q.setPoll.run(JSON.stringify(poll), eventId);
    }
    return full;
  }

  /** Records or replaces a vote while the poll is open and before its end. */
  vote(v: PollVote): boolean {
    return this.q.vote.run(v.eventId, v.pollId, v.userId, v.option, v.at, v.eventId, v.pollId, v.at).changes > 0;
  }

  /** A new poll recorded as it is; a known open one with its votes counted (and closed); else null. */
  private counted(eventId: string, poll: Poll): Poll | null {
    const row = this.q.getPoll.get(eventId, poll.id) as PollRow | undefined;
    if (!row) {
      this.q.insertPoll.run(
        eventId,
        poll.id,
        poll.question,
        JSON.stringify(poll.options.map((o) => o.text)),
        poll.status,
        poll.endsAt,
      );
      return poll;
    }
    const stored = pollFromRow(row);
    if (stored.status !== 'open') return null;
    if (poll.status === 'closed') this.q.closePoll.run(eventId, poll.id);
    const votes = new Array<number>(stored.options.length).fill(0);
    for (const r of this.q.countVotes.all(eventId, poll.id) as { option: number; n: number }[]) {
      if (r.option >= 0 && r.option < votes.length) votes[r.option] = r.n;
    }
    return {
      id: stored.id,
      question: stored.question,
      options: stored.options.map((text, i) => ({ text, votes: votes[i]! })),
      status: poll.status,
      endsAt: stored.endsAt,
    };
  }
}

/** The statement that reads a poll (the store's read connection prepares it too). */
export const GET_POLL = 'SELECT * FROM polls WHERE event_id = ? AND id = ?';

function prepare(db: Database.Database) {
  return {
    setPin: db.prepare('UPDATE events SET pin = ? WHERE id = ?'),
    pinOf: db.prepare('SELECT pin FROM events WHERE id = ?'),
    setPoll: db.prepare('UPDATE events SET poll = ? WHERE id = ?'),
    getPoll: db.prepare(GET_POLL),
    insertPoll: db.prepare(
      'INSERT INTO polls (event_id, id, question, options, status, ends_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    closePoll: db.prepare("UPDATE polls SET status = 'closed' WHERE event_id = ? AND id = ?"),
    countVotes: db.prepare(
      'SELECT option, count(*) AS n FROM poll_votes WHERE event_id = ? AND poll_id = ? GROUP BY option',
    ),
    vote: db.prepare(
      `INSERT INTO poll_votes (event_id, poll_id, user_id, option, at) SELECT ?, ?, ?, ?, ?
       WHERE EXISTS (SELECT 1 FROM polls WHERE event_id = ? AND id = ? AND status = 'open' AND ends_at > ?)
       ON CONFLICT (event_id, poll_id, user_id) DO UPDATE SET option = excluded.option, at = excluded.at`,
    ),
  };
}
