// Likes on comments (docs/API.md "Interactions"): one per user per comment, idempotent both ways;
// the count changes in the store at once, and reaches viewers in the next window as an absolute
// value (so a lost or repeated window frame never leaves a count wrong for long).
import type { Principal } from '../auth/auth.js';
import type { RateLimiter } from '../engines/rate-limiter.js';
import type { Store } from '../engines/store.js';
import type { Events } from '../events/events.js';
import type { BanCache } from '../ingest/bans.js';
import { errors } from '../util/errors.js';
import { takeInteraction } from './limits.js';
import type { AggregateWindow } from './window.js';

/** What likes need of the node. */
export interface LikeServices {
  store: Pick<Store, 'getComment' | 'setLike' | 'likeCounts'>;
  events: Pick<Events, 'get'>;
  limiter: Pick<RateLimiter, 'takeAll'>;
  bans: Pick<BanCache, 'until'>;
  window: Pick<AggregateWindow, 'liked'>;
}

/** Likes and unlikes published comments. */
export class Likes {
  constructor(private readonly s: LikeServices) {}

  /** Likes (`liked` true) or unlikes a published comment for a signed-in user; idempotent. */
  async set(user: Principal, eventId: string, commentId: string, liked: boolean): Promise<void> {
    await this.s.events.get(eventId);
    const stored = await this.s.store.getComment(eventId, commentId);
    if (stored?.status !== 'published') throw errors.notFound('comment');
    const banned = await this.s.bans.until(eventId, user.id);
    if (banned !== false) throw errors.banned(banned);
    await takeInteraction(this.s.limiter, 'like', user, eventId);
    const outcome = await this.s.store.setLike(eventId, commentId, user.id, liked);
    if (outcome.changed) this.s.window.liked(eventId, commentId, outcome.likes);
  }
}
