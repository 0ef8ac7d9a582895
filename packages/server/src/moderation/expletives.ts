/**
 * The text the toxicity model reads: swearing used for emphasis ("this is fucking awesome",
 * "holy shit what a goal") taken out, since the event's profanity policy already decides about
 * swear words (mask by default), and the Davidson-trained model scores any swear word as
 * offensive. Swearing aimed at someone stays ("fuck you", "you fucking idiot", "fuck off"), and
 * so do insults and slurs (`bitch`, `motherfucker`, `faggot`...): those are what toxicity is for.
 */
import type { ProfanityMatch } from './profanity.js';

/** Dataset words (`obscenity`) that are expletives rather than insults or slurs. */
const EXPLETIVE_WORDS = new Set(['fuck', 'shit', 'piss']);
/** Mild expletives `obscenity` does not list. */
const MILD = /\b(?:hell|damn(?:ed|it|n)?|crap|bloody|freakin[g']?|friggin[g']?)\b/gi;
/** A token ending so is a name for a person ("motherfucker", "shithead"): an insult, kept. */
const INSULT_NOUN = /(?:er|ers|head|heads|face|faces|hole|holes|bag|bags|wit|wits|stain|stains)$/;
/** A word after the expletive that aims it at someone ("fuck you", "fuck off", "damn them"). */
const AIMED_NEXT = new Set(['you', 'u', 'ya', 'yourself', 'urself', 'off', 'him', 'her', 'them', 'yall', "y'all"]);
/** After the bare verb "fuck", these aim it at people too ("fuck those ...", "fuck the ref"). */
const AIMED_AFTER_VERB = new Set(['the', 'those', 'these', 'all', 'every', 'his', 'their']);
/** A word before it that aims it at someone ("you fucking idiot", "these fucking ..."). */
const AIMED_PREV = new Set(['you', 'u', 'ya', 'your', 'ur', 'these', 'those', 'them']);
/** "fuck" as a verb (not "fucking", "fucked"), however it is spelt. */
const BARE_VERB = /^f\W*[u*@v]\W*[c*k]+\W*k?$/;
const MAX_VERB = 32;

const isWordChar = (c: string | undefined) => c !== undefined && !/\s/.test(c);

/** The text without the expletives that are not aimed at anyone (the text itself when there are none). */
export function withoutExpletives(text: string, matches: readonly ProfanityMatch[]): string {
  const spans: [number, number][] = [];
  for (const m of matches) if (EXPLETIVE_WORDS.has(m.word)) spans.push([m.start, m.end]);
  if (/[hdcbf]/i.test(text)) for (const m of text.matchAll(MILD)) spans.push([m.index, m.index + m[0].length]);
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = '';
  let last = 0;
  // End of the last token judged: further matches in it change nothing, and widening each again
  // would cost matches × token length.
  let judged = 0;
  for (let [start, end] of spans) {
    if (start < judged) continue;
    // Widen to the whole token: "fucking", "bullshit", "#fuckit".
    while (start > 0 && isWordChar(text[start - 1])) start--;
    while (end < text.length && isWordChar(text[end])) end++;
    judged = end;
    if (start < last) continue;
    const token = text
      .slice(start, end)
      .toLowerCase()
      .replace(/[^\p{L}*@]/gu, '');
    // A longer token is no bare "fuck"; BARE_VERB backtracks with the square of a run of stars.
    const verb = token.length <= MAX_VERB && BARE_VERB.test(token);
    if (INSULT_NOUN.test(token) || aimed(text, start, end, verb)) continue;
    out += `${text.slice(last, start)} `;
    last = end;
  }
  return last === 0 ? text : (out + text.slice(last)).replace(/\s+/g, ' ').trim();
}

/** Whether the expletive at `start`..`end` is aimed at someone, by the words beside it. */
function aimed(text: string, start: number, end: number, verb: boolean): boolean {
  const next = /^[\s,]*([\p{L}']+)/u.exec(text.slice(end, end + 20))?.[1]?.toLowerCase();
  const prev = /([\p{L}']+)[\s,]*$/u.exec(text.slice(Math.max(0, start - 20), start))?.[1]?.toLowerCase();
  if (next !== undefined && (AIMED_NEXT.has(next) || (verb && AIMED_AFTER_VERB.has(next)))) return true;
  return prev !== undefined && AIMED_PREV.has(prev);
}
