import type { EventSettings, ModerationThresholds } from '@livecomments/protocol';

/** Settings of a new event unless its creator says otherwise. */
export const DEFAULT_SETTINGS: EventSettings = {
  slowModeMs: 0,
  maxCommentChars: 500,
  uniqueChat: false,
  blockedTerms: [],
  linksAllowed: true,
  rateLimitPerMinute: 60,
  moderation: { spamBlock: 0.8, spamHold: 0.6, toxicityBlock: 0.7, toxicityHold: 0.5, shadow: false },
};

/** A partial settings change, as clients send it. */
export type SettingsPatch = Partial<Omit<EventSettings, 'moderation'>> & {
  moderation?: Partial<ModerationThresholds>;
};

/** Applies a change to settings; fields left out keep their value. */
export function mergeSettings(base: EventSettings, patch: SettingsPatch | undefined): EventSettings {
  if (!patch) return structuredClone(base);
  const { moderation, ...rest } = patch;
  const merged: EventSettings = { ...structuredClone(base), ...structuredClone(rest) };
  merged.moderation = { ...base.moderation, ...moderation };
  if (patch.blockedTerms) {
    merged.blockedTerms = [...new Set(patch.blockedTerms.map((t) => t.trim()).filter((t) => t.length > 0))];
  }
  return merged;
}
