/**
 * How an event's settings resolve to one moderation policy. The optional moderation settings
 * (absent on older events) take the defaults declared with them in the settings schema.
 */
import type { EventSettings, LinkPolicy, ProfanityPolicy } from '@livecomments/protocol';
import { OPTIONAL_DEFAULTS } from '../events/settings.js';

/** How long unique-chat mode remembers a text (not a setting). */
export const UNIQUE_WINDOW_MS = 60_000;

/** The resolved policy of one event. */
export interface Policy {
  profanity: ProfanityPolicy;
  links: LinkPolicy;
  allowedDomains: string[];
  languages: string[];
  repeatWindowMs: number;
  uniqueChat: boolean;
  uniqueWindowMs: number;
  /** Hold attacks on a group or a person that carry no slur (`identity.ts`, `harassment.ts`). */
  attackRules: boolean;
}

/** Fills the optional settings from the defaults; `linksAllowed` decides when `linkPolicy` is absent. */
export function resolvePolicy(settings: EventSettings): Policy {
  return {
    profanity: settings.profanity ?? OPTIONAL_DEFAULTS.profanity,
    links: settings.linkPolicy ?? (settings.linksAllowed ? 'allow' : 'hold'),
    allowedDomains: settings.allowedDomains ?? [],
    languages: settings.languages ?? [],
    repeatWindowMs: settings.repeatWindowMs ?? OPTIONAL_DEFAULTS.repeatWindowMs,
    uniqueChat: settings.uniqueChat,
    uniqueWindowMs: UNIQUE_WINDOW_MS,
    attackRules: settings.attackRules ?? OPTIONAL_DEFAULTS.attackRules,
  };
}

/** What one stage found: an optional verdict, why, and scores. */
export interface StageResult {
  verdict?: 'hold' | 'block';
  reasons: string[];
  scores?: Record<string, number>;
  /** A rewritten text (masking), when the stage changes it. */
  text?: string;
}
