import type { Principal } from '../auth/auth.js';
import type { RateLimiter } from '../engines/rate-limiter.js';
import type { Store } from '../engines/store.js';
import type { Events } from '../events/events.js';
import type { BanCache } from '../ingest/bans.js';
import { normaliseTitle } from '../ingest/normalise.js';
import { errors } from '../util/errors.js';

/** Reports one user may make per minute in one event, and across events. */
const PER_EVENT_PER_MINUTE = 10;
const PER_USER_PER_MINUTE = 30;

/**
 * Viewers' reports of published comments (docs/API.md "Reports"). One report per user and
 * comment counts; reports never hide a comment by themselves (a group could silence anyone that
 * way): the comment joins the review queue with its count and reasons, most reported first, and a
 * moderator keeps it (the reports close) or removes it.
 */
export class Reports {
  constructor(
    private readonly store: Store,
    private readonly events: Events,
    private readonly limiter: RateLimiter,
    private readonly bans: BanCache,
  ) {}

  /** Records a report; a second one by the same user changes nothing. True when it was new. */
  async report(actor: Principal, eventId: string, commentId: string, rawReason: string): Promise<boolean> {
    const reason = normaliseTitle(rawReason);
    if (!reason) throw errors.invalid('reason has no visible character');
    await this.events.get(eventId);
    // Not `??`: a permanent ban is null.
    let banned = this.bans.cached(eventId, actor.id);
    if (banned === undefined) banned = await this.bans.until(eventId, actor.id);
    if (banned !== false) throw errors.banned(banned);
    const stored = await this.store.getComment(eventId, commentId);
    if (stored?.status !== 'published') throw errors.notFound('comment');
    if (stored.comment.user.id === actor.id) throw errors.invalid('you may not report your own comment');
    const decision = await this.limiter.takeAll([
      {
        key: `report:{${actor.id}}:${eventId}`,
        rule: { intervalMs: 60_000 / PER_EVENT_PER_MINUTE, burst: PER_EVENT_PER_MINUTE },
      },
      { key: `report:{${actor.id}}`, rule: { intervalMs: 60_000 / PER_USER_PER_MINUTE, burst: PER_USER_PER_MINUTE } },
    ]);
    if (!decision.ok) throw errors.rateLimited(decision.retryAfterMs, 'too many reports; wait before reporting again');
    return this.store.addReport({ eventId, commentId, userId: actor.id, reason, createdAt: Date.now() });
  }
}
