// Custom emotes (docs/API.md "Emotes and chat modes"): the owner adds a small picture (uploaded,
// checked by its bytes, kept in the store and served from this node) or an address on a host the
// operator allows, under a shortcode. The event's settings carry the list viewers see, so a change
// reaches them as an `event` entry like any other settings change.
import { randomBytes } from 'node:crypto';
import {
  type Emote,
  MAX_EMOTE_BYTES,
  MAX_EMOTE_FRAMES,
  MAX_EMOTE_PIXELS,
  MAX_EMOTES_PER_EVENT,
  MAX_EMOTES_PER_OWNER,
} from '@livecomments/protocol';
import { SHORTCODES } from '@livecomments/protocol/shortcodes';
import type { Principal } from '../auth/auth.js';
import { canChangeSettings } from '../auth/powers.js';
import type { RateLimiter, RateRule } from '../engines/rate-limiter.js';
import type { EmoteImage, EmoteRecord, Store } from '../engines/store.js';
import type { Events } from '../events/events.js';
import { errors } from '../util/errors.js';
import { gifProblem, sniffImage } from './emote-image.js';

/** Emote changes of one user across events: a burst of 120, then one every 30 s. */
const CHANGES_PER_USER: RateRule = { intervalMs: 30_000, burst: 120 };
/** Emote changes of one user in one event: a burst of 60 (an event's 50 and some), then one a minute. */
const CHANGES_PER_EVENT: RateRule = { intervalMs: 60_000, burst: 60 };
/** Where uploaded pictures are served. */
export const EMOTE_PATH = '/v1/emotes/';

/** What a new emote is made of: exactly one of them. */
export interface EmoteSource {
  /** The picture, base64. */
  image?: string;
  /** Its address, https on an allowed host. */
  url?: string;
}

/** What emotes need of the node. */
export interface EmoteServices {
  store: Pick<Store, 'putEmote' | 'removeEmote' | 'listEmotes' | 'emoteImage'>;
  events: Pick<Events, 'fresh' | 'get' | 'setEmotes'>;
  limiter: Pick<RateLimiter, 'takeAll'>;
  /** Hosts whose pictures may be emotes (LC_EMOTE_HOSTS); empty: uploads only. */
  hosts: readonly string[];
}

/** Adds, replaces, removes and serves the custom emotes of events. */
export class Emotes {
  /** Changes under way by event: one at a time on this node, so the list written is the latest. */
  private readonly changing = new Map<string, Promise<unknown>>();

  constructor(private readonly s: EmoteServices) {}

  /** The event's emotes, as viewers see them. */
  async list(eventId: string): Promise<Emote[]> {
    return (await this.s.events.get(eventId)).settings.emotes ?? [];
  }

  /** Adds or replaces an emote (owner or admin); the event's list follows as an `event` entry. */
  async put(actor: Principal, eventId: string, code: string, source: EmoteSource): Promise<Emote> {
    const event = await this.s.events.fresh(eventId);
    if (!canChangeSettings(actor, event)) throw errors.forbidden('only the owner or an admin may change emotes');
    if (event.status === 'ended') throw errors.ended();
    if (SHORTCODES.has(code)) throw errors.conflict(`:${code}: is a standard emoji; choose another shortcode`);
    const record: EmoteRecord = {
      eventId,
      code,
      id: `em_${randomBytes(8).toString('hex')}`,
      ownerId: event.ownerId,
      url: null,
      contentType: null,
      width: null,
      height: null,
      createdAt: Date.now(),
    };
    const image = this.picture(source, record);
    await this.take(actor, eventId);
    const outcome = await this.s.store.putEmote(record, image, {
      perEvent: MAX_EMOTES_PER_EVENT,
      perOwner: MAX_EMOTES_PER_OWNER,
    });
    if (outcome === 'event_full') {
      throw errors.invalid(`an event has at most ${MAX_EMOTES_PER_EVENT} emotes`, { limit: MAX_EMOTES_PER_EVENT });
    }
    if (outcome === 'owner_full') {
      throw errors.invalid(`an owner has at most ${MAX_EMOTES_PER_OWNER} emotes across events`, {
        limit: MAX_EMOTES_PER_OWNER,
      });
    }
    await this.publish(actor, eventId);
    return toWire(record);
  }

  /** Removes an emote (owner or admin); `not_found` when the event has none of that code. */
  async remove(actor: Principal, eventId: string, code: string): Promise<void> {
    const event = await this.s.events.fresh(eventId);
    if (!canChangeSettings(actor, event)) throw errors.forbidden('only the owner or an admin may change emotes');
    await this.take(actor, eventId);
    if (!(await this.s.store.removeEmote(eventId, code))) throw errors.notFound('emote');
    await this.publish(actor, eventId);
  }

  /** An uploaded picture by id; `not_found` once its emote is gone. */
  async image(id: string): Promise<EmoteImage> {
    const image = await this.s.store.emoteImage(id);
    if (!image) throw errors.notFound('emote');
    return image;
  }

  /** Checks the source and fills the record's picture fields; the bytes of an upload, else null. */
  private picture(source: EmoteSource, record: EmoteRecord): Uint8Array | null {
    if ((source.image === undefined) === (source.url === undefined)) {
      throw errors.invalid('give either image (base64) or url');
    }
    if (source.url !== undefined) {
      record.url = this.checkedUrl(source.url);
      return null;
    }
    const bytes = Buffer.from(source.image!, 'base64');
    if (bytes.length === 0) throw errors.invalid('the image is empty');
    if (bytes.length > MAX_EMOTE_BYTES) {
      throw errors.tooLarge(`an emote image is at most ${MAX_EMOTE_BYTES} bytes`, { maxBytes: MAX_EMOTE_BYTES });
    }
    const info = sniffImage(bytes);
    if (!info) throw errors.invalid('the image must be a PNG, GIF or WebP');
    if (info.width < 1 || info.height < 1 || info.width > MAX_EMOTE_PIXELS || info.height > MAX_EMOTE_PIXELS) {
      throw errors.invalid(`an emote image is at most ${MAX_EMOTE_PIXELS} x ${MAX_EMOTE_PIXELS} pixels`, {
        maxPixels: MAX_EMOTE_PIXELS,
      });
    }
    // A GIF's header tells only its first size: its frames, each its own size, are walked.
    const problem = info.contentType === 'image/gif' ? gifProblem(bytes, MAX_EMOTE_FRAMES) : null;
    if (problem) throw errors.invalid(problem, { maxFrames: MAX_EMOTE_FRAMES, maxPixels: MAX_EMOTE_PIXELS });
    record.contentType = info.contentType;
    record.width = info.width;
    record.height = info.height;
    return bytes;
  }

  /** An https address on an allowed host, without credentials, as the URL parser writes it. */
  private checkedUrl(raw: string): string {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw errors.invalid('url is not a URL');
    }
    if (url.protocol !== 'https:') throw errors.invalid('an emote url must be https');
    if (url.username || url.password) throw errors.invalid('an emote url carries no credentials');
    if (!this.s.hosts.includes(url.hostname)) {
      throw errors.invalid(
        this.s.hosts.length === 0
          ? 'emotes from other hosts are off on this server; upload the image'
          : 'this host is not allowed for emotes',
        { allowedHosts: this.s.hosts },
      );
    }
    const href = url.href;
    if (href.length > 500) throw errors.invalid('an emote url is at most 500 characters');
    return href;
  }

  /** One of the actor's emote changes, in the event and across events. */
  private async take(actor: Principal, eventId: string): Promise<void> {
    const decision = await this.s.limiter.takeAll([
      { key: `emote:{${actor.id}}`, rule: CHANGES_PER_USER },
      { key: `emote:{${actor.id}}:${eventId}`, rule: CHANGES_PER_EVENT },
    ]);
    if (!decision.ok) throw errors.rateLimited(decision.retryAfterMs, 'too many emote changes; wait a minute');
  }

  /** Writes the event's list as the store has it now (changes of one event on this node in turn). */
  private async publish(actor: Principal, eventId: string): Promise<void> {
    const before = this.changing.get(eventId) ?? Promise.resolve();
    const next = before
      .catch(() => {})
      .then(async () => {
        const rows = await this.s.store.listEmotes(eventId);
        await this.s.events.setEmotes(actor, eventId, rows.map(toWire));
      });
    this.changing.set(eventId, next);
    try {
      await next;
    } finally {
      if (this.changing.get(eventId) === next) this.changing.delete(eventId);
    }
  }
}

/** The emote as viewers see it: an upload's address on this node, or its own. */
function toWire(record: EmoteRecord): Emote {
  const emote: Emote = { code: record.code, url: record.url ?? `${EMOTE_PATH}${record.id}` };
  if (record.width !== null) emote.width = record.width;
  if (record.height !== null) emote.height = record.height;
  return emote;
}
