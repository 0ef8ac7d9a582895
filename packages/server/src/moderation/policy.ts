/**
 * The per-event moderation settings this module adds to `EventSettings` (all optional, so older
 * events keep working), their defaults, and how an event's settings resolve to one policy.
 */
import type { EventSettings, LinkPolicy, ProfanityPolicy } from '@livecomments/protocol';

/** Defaults for the optional moderation settings. */
export const MODERATION_DEFAULTS = {
  profanity: 'mask' as ProfanityPolicy,
  allowedDomains: [] as string[],
  languages: [] as string[],
  repeatWindowMs: 30_000,
  /** How long unique-chat mode remembers a text. */
  uniqueWindowMs: 60_000,
  attackRules: true,
} as const;

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
    profanity: settings.profanity ?? MODERATION_DEFAULTS.profanity,
    links: settings.linkPolicy ?? (settings.linksAllowed ? 'allow' : 'hold'),
    allowedDomains: settings.allowedDomains ?? [],
    languages: settings.languages ?? [],
    repeatWindowMs: settings.repeatWindowMs ?? MODERATION_DEFAULTS.repeatWindowMs,
    uniqueChat: settings.uniqueChat,
    uniqueWindowMs: MODERATION_DEFAULTS.uniqueWindowMs,
    attackRules: settings.attackRules ?? MODERATION_DEFAULTS.attackRules,
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
