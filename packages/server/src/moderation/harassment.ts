/**
 * Insults aimed at a person and wishes of death or self-harm, which the toxicity model misses
 * when they carry no slur ("you are worthless trash", "go die in a hole", "kill yourself"): it
 * learnt from tweets where such words mostly came with slurs. A match holds the comment for a
 * moderator (friends also call each other names); an event turns the rule off with
 * `attackRules: false`. The patterns read the text's `readings`, where an @-mention reads as
 * "you"; sports and gaming talk ("he's a freak of nature", "you're disgusting at this game",
 * "don't kill yourself over it", "time to go die to the boss again") does not match.
 */
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
  'stupid',
  'dumb',
  'useless',
  'retards?',
  'retarded',
  'clowns?',
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
  '(?:(?:are|r|re|is|was|such|so|a|an|just|nothing but|total|complete|absolute|fucking|stupid|dumb|ugly|little|fat|worthless|pathetic|useless|sad|big|dirty) )*';

/**
 * Who the insult is aimed at: the reader (or an @-mention), or a few people every stream has;
 * "your" and "ur" only as the common misspelling of "you're" ("your a loser"), not as in "your
 * bitch" (a partner). Not after "love", "miss" or "thank" ("love you idiots").
 */
const TARGET =
  "(?:(?<!(?:love|luv|miss|thank|bless) )(?:you|u|youre|you're|he|she|he's|she's|this guy|that guy|the ref|the referee|the streamer|this streamer|the host) |(?:your|ur|yo|ya) (?:a|an|such a|so) )";

/** After an insult: about a skill or a part ("stupid at this game", "the loser of the bracket"). */
const NOT_ABOUT = '(?! (?:at|in|on|of|with|for|to|good|fast|genius|legend|king|goat|beast)\\b)';

/** Not an idiom or a joke: "don't kill yourself over it", "you'll shoot yourself in the foot". */
const NOT_IDIOM_BEFORE = "(?<!(?:don't|dont|do not|not|never|'ll|will|gonna|almost|nearly|can|could|might|would) )";
const NOT_IDIOM_AFTER = '(?! (?:over|in the|with|by|laughing|trying|for)\\b)';

const PATTERNS = [
  // "you fucking idiot", "you are worthless", "the ref is a clown", "@bob is a loser"
  `${TARGET}${BETWEEN}(?:${INSULTS.join('|')})${NOT_ABOUT}`,
  // "ur mom is a whore"
  "(?:your|ur|yo) (?:mom|mum|mother|mama|momma|sister|sis) (?:is |'s |s )?(?:a |an |such a |fat |ugly |fucking |dirty )*(?:whore|slut|hoe|bitch|cunt)",
  // death and self-harm wishes
  `${NOT_IDIOM_BEFORE}(?:kill|hang|shoot|neck|end|unalive) (?:yourself|urself|ur self|your self|yourselves)${NOT_IDIOM_AFTER}`,
  'kys(?! (?:keep|means|mean|stands)\\b)',
  // "go die" on its own or as an insult, not "go die to the boss again"
  'go (?:die|kill yourself|hang yourself)(?= *$| (?:already|pls|plz|please|now|irl|bitch|loser|idiot|you|u)\\b)',
  '(?:you|u|ya) (?:should|deserve to|need to|must|gotta|ought to) (?:just )?(?:die|be shot|be killed|kill yourself|rot)',
  '(?:i )?(?:hope|wish) (?:you|u|ya) (?:die|get cancer|get killed|get hit by a (?:car|bus|truck|train)|rot|burn in hell)(?! (?:of|laughing|from)\\b)',
  'die in a (?:hole|fire|ditch)',
  'drop dead',
  '(?:go|just|pls|please) drink bleach',
];

const ATTACK = new RegExp(`(?<![\\p{L}\\p{N}'])(?:${PATTERNS.join('|')})(?![\\p{L}\\p{N}])`, 'u');

/** Holds a comment whose `readings` insult a person or wish them dead. */
export function checkHarassment(forms: readonly string[]): StageResult {
  return forms.some((form) => ATTACK.test(form)) ? { verdict: 'hold', reasons: ['harassment'] } : { reasons: [] };
}
