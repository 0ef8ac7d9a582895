// Event settings: defaults, changes and the clean-up of stored values, all from the one schema
// in `@livecomments/protocol/settings` (a new setting is declared there and nowhere else).
import type { EventSettings, SettingsPatch } from '@livecomments/protocol';
import { EventSettingsSchema } from '@livecomments/protocol/settings';
import { Value } from '@sinclair/typebox/value';
import { canonicalOrigin } from '../util/origins.js';

export type { SettingsPatch } from '@livecomments/protocol';

/** Settings of a new event unless its creator says otherwise: the schema's defaults. */
export const DEFAULT_SETTINGS: EventSettings = Value.Create(EventSettingsSchema);

/**
 * The server's defaults of the optional settings (absent on an event until set), read from the
 * schema's `default` annotations.
 */
export const OPTIONAL_DEFAULTS = {
  profanity: EventSettingsSchema.properties.profanity.default as NonNullable<EventSettings['profanity']>,
  repeatWindowMs: EventSettingsSchema.properties.repeatWindowMs.default as number,
  attackRules: EventSettingsSchema.properties.attackRules.default as boolean,
  reactions: EventSettingsSchema.properties.reactions.default as string[],
  moderationHook: EventSettingsSchema.properties.moderationHook.default as NonNullable<EventSettings['moderationHook']>,
} as const;

/** Applies a change to settings; fields left out keep their value. */
export function mergeSettings(base: EventSettings, patch: SettingsPatch | undefined): EventSettings {
  if (!patch) return structuredClone(base);
  const { moderation, automod, ...rest } = patch;
  const merged: EventSettings = { ...structuredClone(base), ...structuredClone(rest) };
  merged.moderation = { ...base.moderation, ...moderation };
  // Levels merge per category: changing one leaves the others as they were.
  if (automod) merged.automod = { ...base.automod, ...automod };
  if (patch.blockedTerms) {
    merged.blockedTerms = [...new Set(patch.blockedTerms.map((t) => t.trim()).filter((t) => t.length > 0))];
  }
  if (patch.embed) {
    // As browsers write them (the schema's pattern lets `:443` on https through), once each.
    const origins = patch.embed.allowedOrigins.map((o) => canonicalOrigin(o) ?? o);
    merged.embed = { allowedOrigins: [...new Set(origins)] };
  }
  return merged;
}

/**
 * Settings as read from a store: keys the schema does not know (stored before it was closed)
 * are dropped, a blocked-terms list stored under older, larger bounds is cut to the current ones
 * (`withinTermBounds`), and another value that no longer fits falls back to its default. Never throws.
 */
export function readSettings(stored: unknown): EventSettings {
  if (Value.Check(EventSettingsSchema, stored)) return stored;
  return Value.Cast(EventSettingsSchema, withinTermBounds(stored));
}

const TERMS = EventSettingsSchema.properties.blockedTerms;

/**
 * A stored blocked-terms list over the bounds keeps its terms that fit, in order, up to the
 * largest count: what an owner sees in the settings is what is matched, and the longest list
 * costs what the bounds allow (without this, a cast would drop the whole list, or blank a long term).
 */
function withinTermBounds(stored: unknown): unknown {
  if (typeof stored !== 'object' || stored === null) return stored;
  const terms = (stored as { blockedTerms?: unknown }).blockedTerms;
  if (!Array.isArray(terms) || Value.Check(TERMS, terms)) return stored;
  const kept = terms.filter((t) => Value.Check(TERMS.items, t)).slice(0, TERMS.maxItems);
  return { ...stored, blockedTerms: kept };
}
