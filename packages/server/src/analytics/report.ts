// The owner's analytics of an event as the API answers them (docs/API.md "Analytics"): read from
// the per-minute rows the analytics follower keeps, never by scanning the log.
import type { Principal } from '../auth/auth.js';
import { type BanLookup, requireModerator } from '../auth/powers.js';
import { type AnalyticsStore, MINUTE_MS, type MinuteCounts, minuteOf, type ReasonKind } from '../engines/analytics.js';
import type { EventRecord } from '../engines/store.js';
import type { Events } from '../events/events.js';
import type { EventRoles } from '../events/roles.js';
import { errors } from '../util/errors.js';

/** One minute as the API shows it. */
export interface AnalyticsMinute {
  /** The minute's start (epoch ms). */
  t: number;
  comments: number;
  /** The most viewers seen in the minute, and their average over its samples. */
  viewers: number;
  avgViewers: number;
  /** Users whose first comment fell in this minute. */
  newChatters: number;
  reactions: number;
  held: number;
  blocked: number;
  deleted: number;
  /** Held comments decided in this minute, and their average time from hold to decision. */
  decisions: number;
  avgDecisionMs: number;
}

/** The body of `GET /v1/events/:eventId/analytics`. */
export interface AnalyticsReport {
  eventId: string;
  /** The minutes shown: `from <= t < to`. */
  from: number;
  to: number;
  /** The last log seq counted. */
  countedSeq: number;
  totals: {
    comments: number;
    uniqueChatters: number;
    peakViewers: number;
    avgViewers: number;
    reactions: number;
    held: number;
    blocked: number;
    deleted: number;
    approved: number;
    rejected: number;
    avgDecisionMs: number;
    maxDecisionMs: number;
  };
  minutes: AnalyticsMinute[];
  topChatters: { userId: string; name: string; comments: number }[];
  /** Counts by reason: what held and blocked comments were flagged for, who deleted comments. */
  reasons: Record<ReasonKind, Record<string, number>>;
}

/** What the report needs of the node. */
export interface AnalyticsReportServices {
  store: Pick<AnalyticsStore, 'readAnalytics'>;
  events: Pick<Events, 'get' | 'fresh'>;
  roles: Pick<EventRoles, 'powers'>;
  /** Bans: a banned moderator reads nothing (auth/powers.ts `requireModerator`). */
  bans: BanLookup;
  /** Counts what this node has not written yet, up to the event's last seq (the follower, the reactions). */
  catchUp(eventId: string, lastSeq: number): Promise<void>;
}

/** A query: the window of minutes and how many top chatters. */
export interface AnalyticsQuery {
  from?: number;
  to?: number;
  top?: number;
}

/** Most minutes in one answer (a day). */
export const MAX_MINUTES = 1440;
/** Most top chatters in one answer. */
export const MAX_TOP = 100;

/** Reads an event's analytics for those who run it. */
export class AnalyticsReports {
  constructor(private readonly s: AnalyticsReportServices) {}

  /**
   * The owner's, a moderator's or an admin's view of the event (anyone else: `forbidden`). The
   * window defaults to the event's last day of minutes; it may not span more than a day.
   */
  async read(actor: Principal, eventId: string, query: AnalyticsQuery): Promise<AnalyticsReport> {
    const known = await this.s.events.get(eventId);
    await requireModerator(
      actor,
      eventId,
      await this.s.roles.powers(known),
      this.s.bans,
      'only the owner or a moderator of the event may read its analytics',
    );
    const event = await this.s.events.fresh(eventId);
    const { from, to } = window(event, query, Date.now());
    await this.s.catchUp(eventId, event.lastSeq);
    const top = Math.min(query.top ?? 10, MAX_TOP);
    const stored = await this.s.store.readAnalytics(eventId, { from, to, top });
    const t = stored.totals;
    const decisions = t.approved + t.rejected;
    const reasons: AnalyticsReport['reasons'] = { held: {}, blocked: {}, deleted: {} };
    for (const r of stored.reasons) reasons[r.kind][r.reason] = r.n;
    return {
      eventId,
      from,
      to,
      countedSeq: stored.cursor,
      totals: {
        comments: t.comments,
        uniqueChatters: t.newChatters,
        peakViewers: t.viewersPeak,
        avgViewers: round1(ratio(t.viewersSum, t.viewersSamples)),
        reactions: t.reactions,
        held: t.held,
        blocked: t.blocked,
        deleted: t.deleted,
        approved: t.approved,
        rejected: t.rejected,
        avgDecisionMs: Math.round(ratio(t.decisionMs, decisions)),
        maxDecisionMs: t.decisionMaxMs,
      },
      minutes: everyMinute(stored.minutes, from, to),
      topChatters: stored.top,
      reasons,
    };
  }
}

/** The window of minutes: as asked (whole minutes, at most a day), else the event's latest day. */
function window(event: EventRecord, query: AnalyticsQuery, now: number): { from: number; to: number } {
  const end = minuteOf(event.endedAt ?? now) + MINUTE_MS;
  const to = query.to !== undefined ? minuteOf(query.to + MINUTE_MS - 1) : end;
  const start = minuteOf(event.createdAt);
  const from = query.from !== undefined ? minuteOf(query.from) : Math.max(start, to - MAX_MINUTES * MINUTE_MS);
  if (to <= from) throw errors.invalid('`to` must come after `from`');
  if (to - from > MAX_MINUTES * MINUTE_MS) throw errors.invalid(`the window spans at most ${MAX_MINUTES} minutes`);
  return { from, to };
}

/** Every minute of the window, those without a row as zeros (charts need no gaps). */
function everyMinute(rows: readonly MinuteCounts[], from: number, to: number): AnalyticsMinute[] {
  const byT = new Map(rows.map((m) => [m.t, m]));
  const out: AnalyticsMinute[] = [];
  for (let t = from; t < to; t += MINUTE_MS) {
    const m = byT.get(t) ?? { t };
    const decisions = (m.approved ?? 0) + (m.rejected ?? 0);
    out.push({
      t,
      comments: m.comments ?? 0,
      viewers: m.viewersPeak ?? 0,
      avgViewers: round1(ratio(m.viewersSum ?? 0, m.viewersSamples ?? 0)),
      newChatters: m.newChatters ?? 0,
      reactions: m.reactions ?? 0,
      held: m.held ?? 0,
      blocked: m.blocked ?? 0,
      deleted: m.deleted ?? 0,
      decisions,
      avgDecisionMs: Math.round(ratio(m.decisionMs ?? 0, decisions)),
    });
  }
  return out;
}

function ratio(sum: number, n: number): number {
  return n > 0 ? sum / n : 0;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
