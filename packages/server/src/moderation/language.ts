/**
 * Language detection with `franc-min` (trigram profiles of the 82 most spoken languages) for an
 * event's language allow-list. Short texts say too little about their language, so they pass;
 * a longer text in another language is held for review, not blocked (detection can be wrong).
 */
import { franc } from 'franc-min';
import type { StageResult } from './policy.js';

/** Texts with fewer letters than this are not judged. */
export const MIN_LANGUAGE_LETTERS = 20;
/** Only this much of a text is looked at. */
export const MAX_LANGUAGE_CHARS = 100;

/** Holds a text whose detected language is not in `allowed` (ISO 639-3); any when empty. */
export function checkLanguage(text: string, allowed: readonly string[]): StageResult {
  if (allowed.length === 0) return { reasons: [] };
  const letters = text.replace(/[^\p{L}\s]/gu, '').trim();
  if (letters.replace(/\s/g, '').length < MIN_LANGUAGE_LETTERS) return { reasons: [] };
  // The first few words tell the language as well as the whole text, at a fraction of the cost.
  const lang = franc(letters.slice(0, MAX_LANGUAGE_CHARS), { minLength: MIN_LANGUAGE_LETTERS });
  if (lang === 'und' || allowed.includes(lang)) return { reasons: [] };
  return { verdict: 'hold', reasons: ['language', `language:${lang}`] };
}
