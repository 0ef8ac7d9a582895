import { randomUUID } from 'node:crypto';
import type { Emote, Entry, EventStatus, LiveEvent } from '@livecomments/protocol';
import type { Principal } from '../auth/auth.js';
import { canChangeSettings } from '../auth/powers.js';
import type { Presence } from '../engines/presence.js';
import type { RateLimiter } from '../engines/rate-limiter.js';
import { type EventRecord, type ModAction, newEpoch, type Store } from '../engines/store.js';
import { ownShadowed, withShadowed } from '../ingest/shadow.js';
import { topOnly } from '../interactions/top-rule.js';
import { withLikes } from '../interactions/with-likes.js';
import type { LogFollower } from '../log/followers.js';
import type { LogWriter } from '../log/writer.js';
import { errors } from '../util/errors.js';
import { checkEventWebhooks, withoutWebhookSecrets } from '../webhooks/settings.js';
import { DEFAULT_SETTINGS, mergeSettings, readSettings, type SettingsPatch } from './settings.js';
import { publicEvent } from './visibility.js';

/** How long a cached event is trusted before it is read again (other nodes may change it). */
const CACHE_MS = 1_000;

/**
 * The live event lifecycle: create, read (cached briefly, for the write path), change settings,
 * end. Changes go through the log as `event` entries, so viewers see them in order, and each is
 * noted in the moderation log with who made it.
 */
export class Events implements LogFollower {
  readonly name = 'events';
  private readonly cache = new Map<string, { record: EventRecord; at: number }>();

  constructor(
    private readonly store: Store,
    private readonly writer: LogWriter,
    private readonly presence: Presence,
    private readonly limiter: RateLimiter,
    /** Events one user may create per hour; 0 for no limit. */
    private readonly eventsPerHour = 0,
    /** Events' webhooks may target private addresses (LC_WEBHOOK_ALLOW_PRIVATE). */
    private readonly webhookAllowPrivate = false,
  ) {}

  async create(owner: Principal, title: string, settings: SettingsPatch | undefined): Promise<EventRecord> {
    checkEventWebhooks(settings, this.webhookAllowPrivate);
    await this.takeCreateQuota(owner);
    const record: EventRecord = {
      id: `ev_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
      title,
      status: 'live',
      ownerId: owner.id,
      createdAt: Date.now(),
      lastSeq: 0,
      epoch: newEpoch(),
      settings: mergeSettings(DEFAULT_SETTINGS, settings),
    };
    await this.store.createEvent(record);
    this.cache.set(record.id, { record, at: Date.now() });
    return record;
  }

  /** The event if the cache holds it fresh, without a promise (the write path's fast case). */
  cached(id: string): EventRecord | undefined {
    const hit = this.cache.get(id);
    return hit && Date.now() - hit.at < CACHE_MS ? hit.record : undefined;
  }

  /** The event, from a cache at most a second old; throws `not_found`. */
  async get(id: string): Promise<EventRecord> {
    const hit = this.cache.get(id);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.record;
    const stored = await this.store.getEvent(id);
    if (!stored) {
      this.cache.delete(id);
      throw errors.notFound('event');
    }
    const record = withCleanSettings(stored);
    this.cache.set(id, { record, at: Date.now() });
    if (this.cache.size > 10_000) this.sweep();
    return record;
  }

  /** The event read fresh from the store (its `lastSeq` is current). */
  async fresh(id: string): Promise<EventRecord> {
    this.cache.delete(id);
    return this.get(id);
  }

  /** The public shape, with the viewer count; a pin past its expiry is gone already. */
  async toWire(record: EventRecord): Promise<LiveEvent> {
    const viewers = await this.presence.count(record.id).catch(() => 0);
    const { pin, ...own } = record;
    const rest = { ...own, mediaStartedAt: mediaStart(record) };
    return pin && !(pin.expiresAt !== undefined && pin.expiresAt <= Date.now())
      ? { ...rest, pin, viewers }
      : { ...rest, viewers };
  }

  async list(status: EventStatus | undefined, limit: number): Promise<EventRecord[]> {
    const records = await this.store.listEvents(status ? { status, limit } : { limit });
    return records.map(withCleanSettings);
  }

  /**
   * A page of the event's log, after or before a position. In shadow mode `readerId` also reads
   * their own blocked comments back where they would have been; nobody else does.
   */
  async page(
    eventId: string,
    range: { after: number } | { before: number },
    limit: number,
    readerId: string | null,
    view: 'live' | 'top' = 'live',
  ): Promise<Entry[]> {
    const read =
      'before' in range
        ? await this.store.readBefore(eventId, range.before, limit)
        : await this.store.readAfter(eventId, range.after, limit);
    const items = await withLikes(this.store, eventId, read);
    // Top chat: ranked with the likes known now, so a liked comment is shown.
    const shown = view === 'top' ? topOnly(items, (await this.get(eventId)).ownerId) : items;
    if (readerId === null) return shown;
    const shadowed = await ownShadowed(this.store, eventId, readerId);
    return withShadowed(shown, shadowed, range, read.length === limit);
  }

  /** Changes the title or settings (owner or admin); the patch as asked is kept in the moderation log. */
  async update(
    actor: Principal,
    id: string,
    patch: { title?: string; settings?: SettingsPatch },
  ): Promise<EventRecord> {
    const current = await this.fresh(id);
    if (!canChangeSettings(actor, current)) throw errors.forbidden('only the owner or an admin may change the event');
    checkEventWebhooks(patch.settings, this.webhookAllowPrivate);
    const next: EventRecord = {
      ...current,
      title: patch.title?.trim() ?? current.title,
      settings: mergeSettings(current.settings, patch.settings),
    };
    const record = await this.write(next);
    await this.note(actor, id, 'settings', withoutWebhookSecrets({ ...patch }));
    return record;
  }

  /**
   * Sets the event's custom emotes as the store has them (interactions/emotes.ts checked the
   * actor and the pictures): an `event` entry like any settings change, noted with the codes.
   */
  async setEmotes(actor: Principal, id: string, emotes: Emote[]): Promise<EventRecord> {
    const current = await this.fresh(id);
    const record = await this.write({ ...current, settings: { ...current.settings, emotes } });
    await this.note(actor, id, 'settings', { emotes: emotes.map((e) => e.code) });
    return record;
  }

  /** Ends the event (owner or admin); ending it again changes nothing but is noted again. */
  async end(actor: Principal, id: string): Promise<EventRecord> {
    const current = await this.fresh(id);
    if (!canChangeSettings(actor, current)) throw errors.forbidden('only the owner or an admin may end the event');
    const record =
      current.status === 'ended' ? current : await this.write({ ...current, status: 'ended', endedAt: Date.now() });
    await this.note(actor, id, 'end');
    return record;
  }

  /**
   * Keeps the cache in step with `event` entries (also those made on other nodes): an entry
   * carries only the public settings and the write path needs them all (blocked terms,
   * thresholds), so an older cached event is dropped and the next post reads the store.
   */
  entries(eventId: string, entries: readonly Entry[]): void {
    const hit = this.cache.get(eventId);
    if (!hit) return;
    for (const entry of entries) {
      // Pins and polls change the event's record too (its `pin` and `poll`).
      const changes = entry.type === 'event' || entry.type === 'pin' || entry.type === 'unpin' || entry.type === 'poll';
      if (changes && hit.record.lastSeq < entry.seq) {
        this.cache.delete(eventId);
        return;
      }
    }
  }

  /**
   * Event creation per user: `eventsPerHour` at once, then one more every hour / n, across nodes.
   * Admins and `service` publishers are exempt, as they are from the posting limits.
   */
  private async takeCreateQuota(owner: Principal): Promise<void> {
    if (this.eventsPerHour <= 0 || owner.role === 'service' || owner.role === 'admin') return;
    const decision = await this.limiter.take(`create:{${owner.id}}`, {
      intervalMs: 3_600_000 / this.eventsPerHour,
      burst: this.eventsPerHour,
    });
    if (!decision.ok)
      throw errors.rateLimited(decision.retryAfterMs, 'too many new events; wait before creating another');
  }

  /** Appends the `event` entry (public settings) and stores the full settings beside it. */
  private async write(next: EventRecord): Promise<EventRecord> {
    const viewers = await this.presence.count(next.id).catch(() => 0);
    // The epoch names the log an entry is in; the entry itself does not carry it. Nor does it
    // carry the pin and poll: their own entries do.
    const { epoch: _, pin: _pin, poll: _poll, ...event } = next;
    const result = await this.writer.append({
      eventId: next.id,
      entry: { type: 'event', event: publicEvent({ ...event, viewers }) },
      settings: next.settings,
    });
    if (!('entry' in result) || result.entry.type !== 'event') throw new Error('event entry not appended');
    const record: EventRecord = { ...next, lastSeq: result.entry.event.lastSeq };
    this.cache.set(next.id, { record, at: Date.now() });
    return record;
  }

  /** Notes a change of the event in its moderation log. */
  private async note(
    actor: Principal,
    eventId: string,
    action: 'settings' | 'end',
    details?: Record<string, unknown>,
  ): Promise<void> {
    const entry: ModAction = { eventId, action, actorId: actor.id, at: Date.now(), targetId: eventId };
    if (details !== undefined) entry.details = details;
    await this.store.addModAction(entry);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, hit] of this.cache) if (now - hit.at >= CACHE_MS) this.cache.delete(id);
  }
}

/** When the event's media started (media time 0): as the owner set it, else the event's creation. */
export function mediaStart(event: Pick<EventRecord, 'createdAt' | 'settings'>): number {
  return event.settings.mediaStartedAt ?? event.createdAt;
}

/** The record with settings as the schema has them (unknown keys stored before were dropped). */
function withCleanSettings(record: EventRecord): EventRecord {
  const settings = readSettings(record.settings);
  return settings === record.settings ? record : { ...record, settings };
}
