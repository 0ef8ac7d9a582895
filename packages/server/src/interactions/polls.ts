import { randomUUID } from 'node:crypto';
import {
  type Entry,
  POLL_OPTION_CHARS,
  POLL_OPTIONS,
  POLL_QUESTION_CHARS,
  type Poll,
  type PollStatus,
} from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import type { RateLimiter } from '../engines/rate-limiter.js';
import type { PollRecord, Store } from '../engines/store.js';
import type { Events } from '../events/events.js';
import type { EventRoles } from '../events/roles.js';
import type { BanCache } from '../ingest/bans.js';
import type { LogFollower } from '../log/followers.js';
import type { LogWriter } from '../log/writer.js';
import { errors } from '../util/errors.js';
import { moderatedLiveEvent } from './powers.js';
import { cleanText } from './texts.js';
import { KeyedTimers } from './timers.js';

/** Shortest and longest poll. */
export const POLL_DURATION = { minMs: 5_000, maxMs: 86_400_000 } as const;
/** At most one results entry per poll in this time from one node, while votes come. */
export const RESULTS_EVERY_MS = 1_000;
/** Votes per user across events (a changed mind included): a burst, then two a second. */
const VOTES = { intervalMs: 500, burst: 10 };
/** Votes per user in one event: a few changes of mind, then one a second. */
const VOTES_PER_EVENT = { intervalMs: 1_000, burst: 5 };

/** What a moderator asks for. */
export interface PollRequest {
  question: string;
  options: string[];
  durationMs: number;
}

/**
 * Polls (docs/API.md "Polls"): a moderator starts one (one open at a time per event), viewers
 * vote (one vote per user, changeable until the end: a row per poll and user), and the results
 * reach viewers as `poll` entries of the log, the votes counted by the store as each entry is
 * appended: at most one a second per poll from each node that takes votes, then one `closed`
 * entry at the end. Every node that hears of a poll arms its end; the store appends the close
 * once (a `poll` entry of a poll no longer open is skipped), and refuses votes after the end.
 */
export class Polls implements LogFollower {
  readonly name = 'polls';
  private readonly ends = new KeyedTimers();
  private readonly results = new KeyedTimers();

  constructor(
    private readonly store: Store,
    private readonly events: Events,
    /** The event's appointed moderators, who pin and start polls like the owner. */
    private readonly roles: Pick<EventRoles, 'powers'>,
    private readonly writer: LogWriter,
    private readonly limiter: RateLimiter,
    private readonly bans: BanCache,
    /** A results or close entry this node tried failed. */
    private readonly failed: (error: unknown) => void,
  ) {}

  /** Starts a poll; returns it as its first entry has it. */
  async start(actor: Principal, eventId: string, request: PollRequest): Promise<Poll> {
    const { options, durationMs } = request;
    if (options.length < POLL_OPTIONS.min || options.length > POLL_OPTIONS.max)
      throw errors.invalid(`a poll has ${POLL_OPTIONS.min} to ${POLL_OPTIONS.max} options`);
    if (durationMs < POLL_DURATION.minMs || durationMs > POLL_DURATION.maxMs)
      throw errors.invalid('durationMs is out of bounds', { ...POLL_DURATION });
    const event = await moderatedLiveEvent(
      this.events,
      this.roles,
      this.bans,
      this.limiter,
      actor,
      eventId,
      'start a poll',
    );
    if (event.poll?.status === 'open' && event.poll.endsAt > Date.now())
      throw errors.conflict('a poll is open already; wait for its end');
    const poll: Poll = {
      id: `po_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
      question: cleanText(request.question, POLL_QUESTION_CHARS, 'question', event.settings),
      options: options.map((o) => ({ text: cleanText(o, POLL_OPTION_CHARS, 'option', event.settings), votes: 0 })),
      status: 'open',
      endsAt: Date.now() + durationMs,
    };
    const result = await this.writer.append({ eventId, entry: { type: 'poll', poll } });
    if (!('entry' in result) || result.entry.type !== 'poll') throw new Error('poll entry not appended');
    return result.entry.poll;
  }

  /** Records or changes the voter's choice; `conflict` once the poll has ended. */
  async vote(voter: Principal, eventId: string, pollId: string, option: number): Promise<void> {
    const poll = await this.store.getPoll(eventId, pollId);
    if (!poll) throw errors.notFound('poll');
    if (option >= poll.options.length) throw errors.invalid('no such option');
    const now = Date.now();
    if (poll.status !== 'open' || poll.endsAt <= now) {
      // A poll whose end no node was here to see is closed now.
      if (poll.status === 'open') this.finish(poll);
      throw errors.conflict('the poll has ended');
    }
    const banned = await this.bans.until(eventId, voter.id, now);
    if (banned !== false) throw errors.banned(banned);
    // The user id is the keys' Redis Cluster hash tag, so both buckets share a slot.
    const decision = await this.limiter.takeAll([
      { key: `vote:{${voter.id}}`, rule: VOTES },
      { key: `vote:{${voter.id}}:${eventId}`, rule: VOTES_PER_EVENT },
    ]);
    if (!decision.ok) throw errors.rateLimited(decision.retryAfterMs, 'too many votes; wait before voting again');
    if (!(await this.store.vote({ eventId, pollId, userId: voter.id, option, at: now })))
      throw errors.conflict('the poll has ended');
    // Armed once per window: later votes of the window wait for the same entry.
    const key = keyOf(poll);
    if (!this.results.has(key)) this.results.arm(key, now + RESULTS_EVERY_MS, () => this.publish(poll, 'open'));
  }

  /** Follows the log: arms each open poll's end, and forgets a closed one. */
  entries(eventId: string, entries: readonly Entry[]): void {
    for (const entry of entries) {
      if (entry.type !== 'poll') continue;
      const poll: PollRecord = {
        eventId,
        id: entry.poll.id,
        question: entry.poll.question,
        options: entry.poll.options.map((o) => o.text),
        status: entry.poll.status,
        endsAt: entry.poll.endsAt,
      };
      if (poll.status === 'open') this.ends.arm(keyOf(poll), poll.endsAt, () => this.finish(poll));
      else {
        this.ends.disarm(keyOf(poll));
        this.results.disarm(keyOf(poll));
      }
    }
  }

  /** Stops the timers (at shutdown: the other nodes, or the next vote, close the polls). */
  close(): void {
    this.ends.clear();
    this.results.clear();
  }

  /** Appends the final results (once across nodes: the store skips it when already closed). */
  private finish(poll: PollRecord): void {
    this.results.disarm(keyOf(poll));
    this.publish(poll, 'closed');
  }

  /** Appends a `poll` entry; the store counts the votes into it, or skips it once the poll is closed. */
  private publish(poll: PollRecord, status: PollStatus): void {
    // Results due after the end are the close's to give.
    if (status === 'open' && Date.now() >= poll.endsAt) return;
    const entry: Poll = {
      id: poll.id,
      question: poll.question,
      options: poll.options.map((text) => ({ text, votes: 0 })),
      status,
      endsAt: poll.endsAt,
    };
    this.writer.append({ eventId: poll.eventId, entry: { type: 'poll', poll: entry } }).catch(this.failed);
  }
}

function keyOf(poll: { eventId: string; id: string }): string {
  return `${poll.eventId}\n${poll.id}`;
}
