import { BADGES, type Badge, type EventModerator } from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import { canChangeSettings, type EventPowers, moderates } from '../auth/powers.js';
import type { RateLimiter } from '../engines/rate-limiter.js';
import type { EventRecord, EventRole, Store } from '../engines/store.js';
import { normaliseName } from '../ingest/normalise.js';
import { AppError, errors } from '../util/errors.js';
import { nameKey } from './name-key.js';

/** How long an event's roles are trusted before they are read again (other nodes may change them). */
const CACHE_MS = 1_000;
/** Moderators one event may have. */
export const MAX_MODERATORS = 50;
/** Appointments and removals per user per hour, across events. */
const CHANGES_PER_HOUR = 120;
/** Appointments and removals per user per hour in one event. */
const CHANGES_PER_EVENT_PER_HOUR = 40;
/** Shorter keys are not protected: a one-letter name would shut out everyone called "A". */
const MIN_PROTECTED_KEY = 2;

/** One event's roles, as the write path uses them. */
interface Known {
  powers: EventPowers & { moderators: ReadonlySet<string> };
  rows: EventRole[];
  /** Protected name keys, to the user who holds each. */
  keys: Map<string, string>;
  at: number;
}

/**
 * Per-event roles (docs/API.md "Badges and roles"): the moderators an owner appoints, the badges
 * each comment carries, and the names of the owner and moderators, which nobody else may post
 * under. Read from the store, cached a second (a change made on another node applies within it).
 */
export class EventRoles {
  private readonly cache = new Map<string, Known>();
  /** Reads under way, shared: posts arriving as the cache expires make one store read, not one each. */
  private readonly loading = new Map<string, Promise<Known>>();

  constructor(
    private readonly store: Store,
    private readonly limiter: RateLimiter,
  ) {}

  /** The event with its moderators, for `moderates` and `refusalAgainst`. */
  async powers(event: EventRecord): Promise<EventPowers & { moderators: ReadonlySet<string> }> {
    return (await this.known(event)).powers;
  }

  /** The moderators of the event (those who moderate it may read them). */
  async list(actor: Principal, event: EventRecord): Promise<EventModerator[]> {
    const known = await this.known(event);
    if (!moderates(actor, known.powers)) throw errors.forbidden('only the owner or a moderator may do this');
    return known.rows.filter((r) => r.role === 'moderator').map(toWire);
  }

  /** Appoints a moderator (owner or admin); again for the same user changes their protected name. */
  async appoint(actor: Principal, event: EventRecord, userId: string, name?: string): Promise<EventModerator> {
    if (!canChangeSettings(actor, event)) throw errors.forbidden('only the owner or an admin may appoint moderators');
    if (userId === event.ownerId) throw errors.invalid('the owner already holds every power of the event');
    const known = await this.known(event, true);
    if (!known.powers.moderators.has(userId) && known.powers.moderators.size >= MAX_MODERATORS) {
      throw errors.invalid(`an event has at most ${MAX_MODERATORS} moderators`);
    }
    const clean = name === undefined ? null : normaliseName(name) || null;
    await this.takeChange(actor, event.id);
    const role: EventRole = {
      eventId: event.id,
      userId,
      role: 'moderator',
      name: clean,
      by: actor.id,
      createdAt: Date.now(),
    };
    await this.store.putRole(role);
    this.forget(event.id);
    await this.note(actor, event.id, { moderatorAdded: userId });
    return toWire(role);
  }

  /** Removes a moderator (owner or admin); `not_found` when the user is not one. */
  async remove(actor: Principal, event: EventRecord, userId: string): Promise<void> {
    if (!canChangeSettings(actor, event)) throw errors.forbidden('only the owner or an admin may remove moderators');
    await this.takeChange(actor, event.id);
    const removed = await this.store.removeModerator(event.id, userId);
    this.forget(event.id);
    if (!removed) throw errors.notFound('moderator');
    await this.note(actor, event.id, { moderatorRemoved: userId });
  }

  /** Notes an appointment or a removal in the event's moderation log (a settings change). */
  private async note(actor: Principal, eventId: string, details: Record<string, unknown>): Promise<void> {
    await this.store.addModAction({
      eventId,
      action: 'settings',
      actorId: actor.id,
      at: Date.now(),
      targetId: eventId,
      details,
    });
  }

  /**
   * The badges of a comment by `author` (in the order of BADGES): `owner`, `moderator` (appointed,
   * or a global moderator), `staff` (admin or global moderator), and the token's `member` / `verified`.
   */
  badges(author: Principal, powers: EventPowers): Badge[] {
    const has = new Set<Badge>(author.badges ?? []);
    if (author.id === powers.ownerId) has.add('owner');
    if (author.role === 'moderator' || powers.moderators?.has(author.id)) has.add('moderator');
    if (author.role === 'admin' || author.role === 'moderator') has.add('staff');
    return BADGES.filter((b) => has.has(b));
  }

  /**
   * Before a post: refuses (409 `conflict`, `field: "name"`) a name that reads as the owner's or a
   * moderator's when the author is neither that user nor an admin; and keeps the names of the owner
   * and the moderators up to date, so theirs are the ones protected.
   */
  async checkName(author: Principal, event: EventRecord): Promise<EventPowers> {
    const known = await this.known(event);
    const holds = author.id === event.ownerId || known.powers.moderators.has(author.id);
    if (holds) {
      await this.noteName(author, event, known);
      return known.powers;
    }
    if (author.role === 'admin') return known.powers;
    const key = nameKey(author.name);
    const holder = known.keys.get(key);
    if (holder !== undefined && holder !== author.id) {
      const whose = holder === event.ownerId ? "the event owner's" : "a moderator's";
      throw new AppError('conflict', `the name "${author.name}" reads as ${whose} name here; post under another name`, {
        field: 'name',
      });
    }
    return known.powers;
  }

  /** Records the owner's name when the event is created, so it is protected from the start. */
  async noteOwner(owner: Principal, event: EventRecord): Promise<void> {
    await this.store.putRole({
      eventId: event.id,
      userId: owner.id,
      role: 'owner',
      name: owner.name,
      by: owner.id,
      createdAt: Date.now(),
    });
    this.forget(event.id);
  }

  /** Stores the name an owner or moderator posts under when it is not the one kept. */
  private async noteName(author: Principal, event: EventRecord, known: Known): Promise<void> {
    const row = known.rows.find((r) => r.userId === author.id);
    if (row?.name === author.name) return;
    const role = author.id === event.ownerId ? 'owner' : 'moderator';
    const next: EventRole = row
      ? { ...row, name: author.name }
      : { eventId: event.id, userId: author.id, role, name: author.name, by: author.id, createdAt: Date.now() };
    await this.store.putRole(next);
    this.forget(event.id);
  }

  /** Appointments and removals are few: a bounded number per user per hour, in the event and across events. */
  private async takeChange(actor: Principal, eventId: string): Promise<void> {
    if (actor.role === 'admin') return;
    // The user id is the keys' Redis Cluster hash tag, so both buckets share a slot.
    const decision = await this.limiter.takeAll([
      { key: `roles:{${actor.id}}`, rule: { intervalMs: 3_600_000 / CHANGES_PER_HOUR, burst: CHANGES_PER_HOUR / 4 } },
      {
        key: `roles:{${actor.id}}:${eventId}`,
        rule: { intervalMs: 3_600_000 / CHANGES_PER_EVENT_PER_HOUR, burst: CHANGES_PER_EVENT_PER_HOUR / 4 },
      },
    ]);
    if (!decision.ok) throw errors.rateLimited(decision.retryAfterMs, 'too many moderator changes; wait a while');
  }

  private forget(eventId: string): void {
    this.cache.delete(eventId);
    this.loading.delete(eventId);
  }

  private known(event: EventRecord, fresh = false): Promise<Known> {
    const hit = this.cache.get(event.id);
    if (!fresh && hit && Date.now() - hit.at < CACHE_MS && hit.powers.ownerId === event.ownerId) {
      return Promise.resolve(hit);
    }
    const under = fresh ? undefined : this.loading.get(event.id);
    if (under) return under;
    const load = this.load(event).finally(() => {
      if (this.loading.get(event.id) === load) this.loading.delete(event.id);
    });
    this.loading.set(event.id, load);
    return load;
  }

  private async load(event: EventRecord): Promise<Known> {
    const now = Date.now();
    const rows = await this.store.listRoles(event.id);
    const moderators = new Set(rows.filter((r) => r.role === 'moderator').map((r) => r.userId));
    const keys = new Map<string, string>();
    for (const r of rows) {
      const key = r.name === null ? '' : nameKey(r.name);
      if (key.length >= MIN_PROTECTED_KEY && (r.role === 'owner' || !keys.has(key))) keys.set(key, r.userId);
    }
    const known: Known = { powers: { ownerId: event.ownerId, moderators }, rows, keys, at: now };
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(event.id, known);
    return known;
  }
}

/** A moderator row as the API shows it. */
function toWire(role: EventRole): EventModerator {
  const out: EventModerator = { userId: role.userId, by: role.by, createdAt: role.createdAt };
  if (role.name !== null) out.name = role.name;
  return out;
}
