// Chat modes (docs/API.md "Emotes and chat modes"): members-only, followers-only (with a minimum
// follow age) and emote-only, checked on every post after the ban check and before the rate
// limits, so a refused post spends nothing. Who moderates the event (owner, admins, global and
// appointed moderators) and `service` publishers are exempt: they run the chat.
import { type EventSettings, isEmoteOnly } from '@livecomments/protocol';
import { SHORTCODES } from '@livecomments/protocol/shortcodes';
import type { Principal } from '../auth/auth.js';
import { type EventPowers, moderates } from '../auth/powers.js';
import { AppError } from '../util/errors.js';

/** The settings the chat modes read. */
type ModeSettings = Pick<EventSettings, 'membersOnly' | 'followersOnly' | 'minFollowMinutes' | 'emoteOnly' | 'emotes'>;

/**
 * Throws the mode's refusal (`members_only`, `followers_only`, `emote_only`, 403) when the
 * author may not post this text in this event now; does nothing for those exempt.
 */
export function checkChatModes(
  author: Principal,
  powers: EventPowers,
  settings: ModeSettings,
  text: string,
  now: number,
): void {
  if (author.role === 'service' || moderates(author, powers)) return;
  if (settings.membersOnly && !author.badges?.includes('member')) {
    throw new AppError('members_only', 'members-only mode is on: only members of the channel may post');
  }
  if (settings.followersOnly) {
    const minMinutes = settings.minFollowMinutes ?? 0;
    if (author.followedAt === undefined) {
      throw new AppError('followers_only', 'followers-only mode is on: follow the channel to post', {
        minFollowMinutes: minMinutes,
      });
    }
    const waitMs = author.followedAt + minMinutes * 60_000 - now;
    if (waitMs > 0) {
      throw new AppError(
        'followers_only',
        `followers-only mode is on: you may post once you have followed for ${minMinutes} minutes`,
        { minFollowMinutes: minMinutes, retryAfterMs: waitMs },
      );
    }
  }
  if (settings.emoteOnly && !isEmoteOnly(text, knownCodes(settings))) {
    throw new AppError('emote_only', "emote-only mode is on: post only emoji and this event's emotes");
  }
}

/** Whether a shortcode names a standard emoji or one of the event's emotes. */
function knownCodes(settings: ModeSettings): (code: string) => boolean {
  const custom = settings.emotes ?? [];
  return (code) => SHORTCODES.has(code) || custom.some((e) => e.code === code);
}
