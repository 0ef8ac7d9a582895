import type { EventSettings, LiveEvent } from '@livecomments/protocol';

/** Settings every viewer sees: what the composer and the page header need. */
export type PublicSettings = Pick<
  EventSettings,
  | 'slowModeMs'
  | 'maxCommentChars'
  | 'uniqueChat'
  | 'linksAllowed'
  | 'rateLimitPerMinute'
  | 'linkPolicy'
  | 'allowedDomains'
>;

/** An event as anyone who does not moderate it sees it. */
export type PublicEvent = Omit<LiveEvent, 'settings'> & { settings: PublicSettings };

/**
 * The event without its moderation settings (blocked terms, thresholds, shadow mode, profanity,
 * languages, attack rules): telling a spammer what is filtered helps them get round it.
 */
export function publicEvent(event: LiveEvent): PublicEvent {
  const { slowModeMs, maxCommentChars, uniqueChat, linksAllowed, rateLimitPerMinute, linkPolicy, allowedDomains } =
    event.settings;
  const settings: PublicSettings = { slowModeMs, maxCommentChars, uniqueChat, linksAllowed, rateLimitPerMinute };
  if (linkPolicy !== undefined) settings.linkPolicy = linkPolicy;
  if (allowedDomains !== undefined) settings.allowedDomains = allowedDomains;
  return { ...event, settings };
}
