/**
 * Insults aimed at a person and wishes of death or self-harm, which the toxicity model misses
 * when they carry no slur ("you are worthless trash", "go die in a hole", "kill yourself")::
 * it learnt from tweets where such words mostly came with slurs. A match holds the comment for a
 * moderator (friends also call each other names). Read through `identityForms`, so the usual
 * evasions (case, accents, look-alike letters, leetspeak) do not get through.
 */
import { identityForms } from './identity.js';
import type { StageResult } from './policy.js';

/** What a person is called when insulted. */
const INSULTS = [
  'idiots?',
  'morons?',
  'imbeciles?',
  'losers?',
  'scum',
  'filth',
  'worthless',
  'pathetic',
  'disgusting',
  'ugly',
  'retards?',
  'retarded',
  'clowns?',
  'freaks?',
  'failures?',
  'degenerates?',
  'whores?',
  'sluts?',
  'bitch(?:es)?',
  'cunts?',
  'assholes?',
  'bastards?',
  'dickheads?',
  'piece of (?:shit|crap|garbage|trash)',
  'waste of (?:space|oxygen|air|skin)',
];

/** Words that may come between "you" and the insult ("you are such a stupid little ..."). */
const BETWEEN =
  '(?:(?:are|r|re|is|was|such|so|a|an|the|just|nothing but|total|complete|absolute|fucking|stupid|dumb|ugly|little|fat|worthless|pathetic|useless|sad|big|dirty) )*';

/**
 * Who the insult is aimed at: the reader, or someone named in the chat; "your" and "ur" only as
 * the common misspelling of "you're" ("your a loser"), not as in "your bitch" (a partner).
 */
const TARGET =
  "(?:(?:you|u|youre|you're|he|she|he's|she's|this guy|that guy|the ref|the streamer|the host) |(?:your|ur|yo|ya) (?:a|an|such a|so) )";

const PATTERNS = [
  // "you fucking idiot", "you are worthless", "the ref is a clown"
  `${TARGET}${BETWEEN}(?:${INSULTS.join('|')})`,
  // "ur mom is a whore"
  "(?:your|ur|yo) (?:mom|mum|mother|mama|momma|sister|sis) (?:is |'s |s )?(?:a |an |such a |fat |ugly |fucking |dirty )*(?:whore|slut|hoe|bitch|cunt)",
  // death and self-harm wishes
  '(?:kill|hang|shoot|neck|end|unalive) (?:yourself|urself|ur self|your self|yourselves)',
  'kys',
  'go (?:die|kill yourself|hang yourself)',
  '(?:i )?(?:hope|wish) (?:you|u|ya) (?:die|get cancer|get hit by|get killed|rot|burn)',
  'die in a (?:hole|fire|ditch)',
  '(?:go|just|pls|please) drink bleach',
];

const ATTACK = new RegExp(`(?<![\\p{L}\\p{N}'])(?:${PATTERNS.join('|')})(?![\\p{L}\\p{N}])`, 'u');

/** Holds a comment that insults a person or wishes them dead (`forms`: its `identityForms`, when at hand). */
export function checkHarassment(text: string, forms = identityForms(text)): StageResult {
  return forms.some((form) => ATTACK.test(form)) ? { verdict: 'hold', reasons: ['harassment'] } : { reasons: [] };
}
