// The minimal moderator: per-event blocked terms and the link policy, nothing trained. Used when
// the full pipeline is not configured; it keeps the same contract.
import type { LabeledExample, ModerationInput, ModerationResult, Moderator } from './moderator.js';

const LINK = /\b(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|io|ly|gg|tv|me|co|xyz|info|ru)\b/i;

/** Blocks comments with a blocked term (whole words, any case) and holds links when they are off. */
export class BasicModerator implements Moderator {
  async check(input: ModerationInput): Promise<ModerationResult> {
    const lower = input.text.toLowerCase();
    const reasons: string[] = [];
    for (const term of input.settings.blockedTerms) {
      const t = term.toLowerCase();
      if (t && new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(t)}($|[^\\p{L}\\p{N}])`, 'u').test(lower)) {
        reasons.push('blocked_term');
        break;
      }
    }
    if (reasons.length > 0) return { verdict: 'block', text: input.text, reasons, scores: {} };
    if (!input.settings.linksAllowed && LINK.test(input.text)) {
      return { verdict: 'hold', text: input.text, reasons: ['link'], scores: {} };
    }
    return { verdict: 'approve', text: input.text, reasons: [], scores: {} };
  }

  async learn(_example: LabeledExample): Promise<void> {}

  async close(): Promise<void> {}
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
