// Who may do what on one event (docs/API.md "Roles"). Roles are ranked owner > moderator >
// viewer, with admins above every event. The owner and admins hold every power of an event; a
// moderator (appointed by the owner for this event, or a global `moderator`, which is a staff
// claim) moderates (review, delete, time out, ban viewers) but changes no settings and never acts
// against the owner or another moderator.
import { errors } from '../util/errors.js';
import type { Principal } from './auth.js';

/** The part of an event that decides powers. */
export interface EventPowers {
  ownerId: string;
  /** The moderators the owner appointed for this event (events/roles.ts); absent reads as none. */
  moderators?: ReadonlySet<string>;
}

/** Whether the principal owns the event or is an admin: settings, title, ending the event, moderators. */
export function canChangeSettings(principal: Principal, event: EventPowers): boolean {
  return principal.role === 'admin' || principal.id === event.ownerId;
}

/**
 * Whether the principal moderates the event, bans aside (the caller checks those): the owner,
 * an admin, a global moderator, or one the owner appointed.
 */
export function moderates(principal: Principal, event: EventPowers): boolean {
  return (
    canChangeSettings(principal, event) ||
    principal.role === 'moderator' ||
    event.moderators?.has(principal.id) === true
  );
}

/** A user's ban on an event as the ban cache answers it (ingest/bans.ts): its end, null for ever, false for none. */
export interface BanLookup {
  /** From memory, or undefined when the event's bans must be read first. */
  cached(eventId: string, userId: string): number | null | false | undefined;
  until(eventId: string, userId: string): Promise<number | null | false>;
}

/**
 * The one check of every moderator's power over an event (review, bans, held comments in search,
 * export with moderation data, analytics): the actor moderates the event (`moderates`) and is not
 * banned from it; else `forbidden`, saying which. Admins stand above events: a moderator's ban
 * (who cannot tell an admin's id) does not disarm one.
 */
export async function requireModerator(
  actor: Principal,
  eventId: string,
  event: EventPowers,
  bans: BanLookup,
  refusal = 'only the owner or a moderator may do this',
): Promise<void> {
  if (!moderates(actor, event)) throw errors.forbidden(refusal);
  if (actor.role === 'admin') return;
  let banned = bans.cached(eventId, actor.id);
  if (banned === undefined) banned = await bans.until(eventId, actor.id);
  if (banned !== false) throw errors.forbidden('you are banned from this event');
}

/**
 * Why the actor may not act against `userId` (ban, lift a ban, delete their comment), or null:
 * nobody acts on their own ban, only an admin acts against the owner, and only the owner or an
 * admin against one of the event's moderators.
 */
export function refusalAgainst(actor: Principal, event: EventPowers, userId: string): string | null {
  if (userId === actor.id) return 'you may not ban yourself or lift your own ban';
  if (userId === event.ownerId && actor.role !== 'admin') return 'only an admin may act against the event owner';
  if (event.moderators?.has(userId) && !canChangeSettings(actor, event)) {
    return 'only the owner or an admin may act against a moderator of this event';
  }
  return null;
}
