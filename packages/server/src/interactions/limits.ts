// Per-user limits of reactions and likes: in the event and across events, taken together (a
// refusal by one spends nothing of the other), like the limits of posts.
import type { Principal } from '../auth/auth.js';
import type { RateLimiter, RateRule } from '../engines/rate-limiter.js';
import { errors } from '../util/errors.js';

/** Reactions of one user across every event: 10 a second, with a burst of 20. */
export const REACTIONS_PER_USER: RateRule = { intervalMs: 100, burst: 20 };
/** Reactions of one user in one event: 6 a second, with a burst of 12. */
export const REACTIONS_PER_EVENT: RateRule = { intervalMs: 1000 / 6, burst: 12 };
/** Likes and unlikes of one user across every event: 5 a second, with a burst of 20. */
export const LIKES_PER_USER: RateRule = { intervalMs: 200, burst: 20 };
/** Likes and unlikes of one user in one event: 3 a second, with a burst of 10. */
export const LIKES_PER_EVENT: RateRule = { intervalMs: 1000 / 3, burst: 10 };

/**
 * Takes one of the user's `kind` tokens in the event and across events, or throws `rate_limited`;
 * the `service` role takes none.
 */
export async function takeInteraction(
  limiter: Pick<RateLimiter, 'takeAll'>,
  kind: 'react' | 'like',
  user: Pick<Principal, 'id' | 'role'>,
  eventId: string,
): Promise<void> {
  // A trusted publisher (an app's backend relaying its users' reactions) is not limited, as for posts.
  if (user.role === 'service') return;
  const userId = user.id;
  const [perUser, perEvent] =
    kind === 'react' ? [REACTIONS_PER_USER, REACTIONS_PER_EVENT] : [LIKES_PER_USER, LIKES_PER_EVENT];
  // The user id is the keys' Redis Cluster hash tag, so both buckets share a slot.
  const decision = await limiter.takeAll([
    { key: `${kind}:{${userId}}`, rule: perUser },
    { key: `${kind}:{${userId}}:${eventId}`, rule: perEvent },
  ]);
  if (!decision.ok) {
    throw errors.rateLimited(
      decision.retryAfterMs,
      kind === 'react' ? 'too many reactions; slow down' : 'too many likes; slow down',
    );
  }
}
