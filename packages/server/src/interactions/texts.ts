// The texts of pins and polls: normalised like comments, on one line, bounded, and refused when
// they hold one of the event's blocked terms (a moderator's announcement is no way round them).
import type { EventSettings } from '@livecomments/protocol';
import { charCount, hasVisible, normaliseText } from '../ingest/normalise.js';
import { checkBlockedTerms } from '../moderation/rules.js';
import { errors } from '../util/errors.js';

/** Runs of white space, one space each (these texts are headlines: one line, single spaces). */
const SPACES = /\s+/g;

/** The text as stored: normalised, visible, at most `max` code points, free of blocked terms. */
export function cleanText(raw: string, max: number, what: string, settings: EventSettings): string {
  const text = normaliseText(raw).replace(SPACES, ' ');
  if (!hasVisible(text)) throw errors.invalid(`${what} has no visible character`);
  if (charCount(text) > max) throw errors.tooLarge(`${what} is longer than ${max} characters`, { maxChars: max });
  if (checkBlockedTerms(text, settings.blockedTerms).verdict === 'block') throw errors.rejected(['blocked_term']);
  return text;
}
