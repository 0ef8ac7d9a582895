// Who may do what on one event (docs/API.md "Roles"). The owner and admins hold every power of an
// event; a global moderator moderates (review, delete, time out, ban viewers) but changes no
// settings and never acts against the owner. Per-event moderator lists plug in at `moderates`.
import type { Principal } from './auth.js';

/** The part of an event that decides powers. */
export interface EventPowers {
  ownerId: string;
}

/** Whether the principal owns the event or is an admin: settings, title, ending the event. */
export function canChangeSettings(principal: Principal, event: EventPowers): boolean {
  return principal.role === 'admin' || principal.id === event.ownerId;
}

/**
 * Whether the principal moderates the event, bans aside (the caller checks those): the owner,
 * an admin or a global moderator. A per-event moderator list would be consulted here.
 */
export function moderates(principal: Principal, event: EventPowers): boolean {
  return canChangeSettings(principal, event) || principal.role === 'moderator';
}

/**
 * Why the actor may not act against `userId` (ban, lift a ban, delete their comment), or null:
 * nobody acts on their own ban, and only an admin acts against the owner.
 */
export function refusalAgainst(actor: Principal, event: EventPowers, userId: string): string | null {
  if (userId === actor.id) return 'you may not ban yourself or lift your own ban';
  if (userId === event.ownerId && actor.role !== 'admin') return 'only an admin may act against the event owner';
  return null;
}
