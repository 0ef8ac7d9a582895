// Media time: where an event's media (stream, video) stood when a comment was posted, the order
// and the clock of replays (docs/API.md "Media time and replay").
import type { EventSettings } from '@livecomments/protocol';
import { errors } from '../util/errors.js';

/**
 * How far a player position may run ahead of the event's running time (now minus its media
 * start): a player is at or behind the live edge, so more means a wrong clock or a forged
 * value; the slack covers a media start marked a little late and clocks a little apart.
 */
export const MEDIA_AHEAD_MS = 30_000;

/** When the event's media started (media time 0): as the owner set it, else the event's creation. */
export function mediaStart(event: { createdAt: number; settings: Pick<EventSettings, 'mediaStartedAt'> }): number {
  return event.settings.mediaStartedAt ?? event.createdAt;
}

/**
 * A poster's `mediaTimeMs` checked: absent stays absent; else a whole number of ms, not negative,
 * and not more than `MEDIA_AHEAD_MS` past the event's running time at `now`. Throws
 * `invalid_request` (with `field: "mediaTimeMs"`) otherwise.
 */
export function checkMediaTime(value: unknown, startedAt: number, now: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw errors.invalid('mediaTimeMs must be a whole number of milliseconds', { field: 'mediaTimeMs' });
  }
  if (value < 0) throw errors.invalid('mediaTimeMs must not be negative', { field: 'mediaTimeMs' });
  const running = now - startedAt;
  if (value > running + MEDIA_AHEAD_MS) {
    throw errors.invalid('mediaTimeMs is ahead of the event: its media has not run that long', {
      field: 'mediaTimeMs',
      maxMediaTimeMs: Math.max(0, running + MEDIA_AHEAD_MS),
    });
  }
  return value;
}

/** The media time of a comment posted at `createdAt` without a player position (never negative). */
export function derivedMediaTime(createdAt: number, startedAt: number): number {
  return Math.max(0, createdAt - startedAt);
}
