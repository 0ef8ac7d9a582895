import type { Entry, PublicEvent, PublicSettings } from '@livecomments/protocol';

export type { PublicEvent, PublicSettings } from '@livecomments/protocol';

/**
 * The event without its moderation settings (blocked terms, thresholds, shadow mode, profanity,
 * languages, attack rules): telling a spammer what is filtered helps them get round it. The one
 * projection: event reads by non-moderators and every `event` log entry go through it.
 */
export function publicEvent(event: PublicEvent): PublicEvent {
  const {
    slowModeMs,
    maxCommentChars,
    uniqueChat,
    linksAllowed,
    rateLimitPerMinute,
    linkPolicy,
    allowedDomains,
    reactions,
    membersOnly,
    followersOnly,
    minFollowMinutes,
    emoteOnly,
    emotes,
    mediaStartedAt,
  } = event.settings;
  const settings: PublicSettings = { slowModeMs, maxCommentChars, uniqueChat, linksAllowed, rateLimitPerMinute };
  if (linkPolicy !== undefined) settings.linkPolicy = linkPolicy;
  if (allowedDomains !== undefined) settings.allowedDomains = allowedDomains;
  if (reactions !== undefined) settings.reactions = reactions;
  // The chat modes and emotes: the composer shows the mode before anyone types.
  if (membersOnly !== undefined) settings.membersOnly = membersOnly;
  if (followersOnly !== undefined) settings.followersOnly = followersOnly;
  if (minFollowMinutes !== undefined) settings.minFollowMinutes = minFollowMinutes;
  if (emoteOnly !== undefined) settings.emoteOnly = emoteOnly;
  if (emotes !== undefined) settings.emotes = emotes;
  if (mediaStartedAt !== undefined) settings.mediaStartedAt = mediaStartedAt;
  return { ...event, mediaStartedAt: mediaStartedAt ?? event.createdAt, settings };
}

/**
 * The entry as viewers may read it: an `event` entry with the public part of the settings. Log
 * rows written before entries were projected at their creation held the full settings; the
 * stores pass what they read through this, so such rows never reach a viewer either.
 */
export function publicEntry(entry: Entry): Entry {
  return entry.type === 'event' ? { ...entry, event: publicEvent(entry.event) } : entry;
}
