import type { Principal } from '../auth/auth.js';
import { type BanLookup, requireModerator } from '../auth/powers.js';
import type { RateLimiter, RateRule } from '../engines/rate-limiter.js';
import type { EventRecord } from '../engines/store.js';
import type { Events } from '../events/events.js';
import type { EventRoles } from '../events/roles.js';
import { errors } from '../util/errors.js';

/** Pin changes and new polls per user across events, and per event: a burst, then one a second. */
const CHANGES: RateRule = { intervalMs: 1_000, burst: 20 };

/**
 * The event, live, if the actor moderates it (owner, admin, moderator: global or appointed for
 * the event), is not banned from it (auth/powers.ts `requireModerator`) and has not used up their
 * changes of pins and polls; else the catalogued error.
 */
export async function moderatedLiveEvent(
  events: Events,
  roles: Pick<EventRoles, 'powers'>,
  bans: BanLookup,
  limiter: RateLimiter,
  actor: Principal,
  eventId: string,
  what: string,
): Promise<EventRecord> {
  const event = await events.fresh(eventId);
  await requireModerator(actor, eventId, await roles.powers(event), bans, `only the owner or a moderator may ${what}`);
  if (event.status === 'ended') throw errors.ended();
  const decision = await limiter.takeAll([
    { key: `interact:{${actor.id}}`, rule: CHANGES },
    { key: `interact:{${actor.id}}:${eventId}`, rule: CHANGES },
  ]);
  if (!decision.ok) throw errors.rateLimited(decision.retryAfterMs, `too many changes; wait before you ${what} again`);
  return event;
}
