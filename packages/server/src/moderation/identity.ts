/**
 * Attacks on a group of people that carry no slur, which the toxicity model (trained on tweets
 * where hate mostly comes with slurs) lets through: a group called vermin or criminals ("all X
 * are terrorists"), told to leave ("go back to your country"), wished dead or driven out ("X
 * should die", "deport all X", "death to X"), denied being people, or hated as a whole ("I hate
 * X"). Such a comment is held for a moderator, not blocked: the same words also come as a
 * quotation or as the answer to one, and a person tells those apart.
 *
 * The patterns read the text folded (`fold`: case, accents, look-alike letters) with digits and
 * signs inside words read as letters (`a11 mus1ims`), so the usual evasions do not get through;
 * a group or a word that is not in the lists ("the refs are animals", "go back to your seat",
 * "immigrants are welcome") does not match.
 */
import { fold } from './fold.js';
import type { StageResult } from './policy.js';

/** Groups by religion, origin, colour, sex, sexuality, gender identity or disability. */
const GROUPS = [
  'muslims?',
  'moslems?',
  'islamists?',
  'jews',
  'christians',
  'catholics',
  'hindus',
  'sikhs',
  'buddhists',
  'atheists',
  'blacks',
  'whites',
  'asians',
  'arabs',
  'africans',
  'mexicans',
  'latinos',
  'latinas',
  'hispanics',
  'chinese',
  'indians',
  'pakistanis',
  'somalis',
  'syrians',
  'turks',
  'russians',
  'ukrainians',
  'poles',
  'romanians',
  'immigrants',
  'migrants',
  'refugees',
  'foreigners',
  'illegals',
  'gypsies',
  'gays',
  'lesbians',
  'homosexuals',
  'bisexuals',
  'women',
  'females',
  'girls',
  'men',
  'males',
  '(?:black|white|brown|asian|gay|trans|transgender|disabled|autistic|jewish|muslim|deaf|blind|fat|old) (?:people|folks|men|women|guys|girls|kids)',
];

/** What the group is called when it is attacked ("are ..."). */
const DEROGATORY = [
  'terrorists?',
  'animals?',
  'vermin',
  'rats',
  'parasites?',
  'cockroach(?:es)?',
  'roaches',
  'insects',
  'pigs',
  'apes',
  'monkeys',
  'dogs',
  'savages?',
  'barbarians',
  'sub-?humans?',
  'scum',
  'trash',
  'garbage',
  'filth(?:y)?',
  'dirty',
  'disgusting',
  'criminals',
  'rapists',
  'p(?:a)?edophiles',
  'thieves',
  'inferior',
  'evil',
  'worthless',
  'stupid',
  'dumb',
  'idiots',
  'retarded',
  'lazy',
  'invaders',
  'the enemy',
  'a (?:disease|cancer|plague|virus|disgrace|curse)',
  'not (?:human|people|humans)',
  'less than human',
];

/** Violence or removal aimed at the group. */
const HARM_VERBS =
  '(?:kill|murder|gas|hang|lynch|shoot|burn|nuke|bomb|exterminate|eradicate|wipe out|get rid of|kick out|deport|ban|expel)';
const DESERVE =
  '(?:should|must|need to|needs to|deserve to|ought to|have to|gotta|got to)(?: all)?(?: just)?(?: fucking)? (?:die|be killed|be shot|be gassed|be hanged|be hung|be deported|be exterminated|be banned|be wiped out|burn|hang|rot|go back|leave|get out|disappear)';
const DENY =
  "(?:should not|shouldn't|shouldnt|don't deserve to|dont deserve to|do not deserve to) (?:exist|live|breathe|have rights|be allowed to (?:live|vote|exist))";
const QUANT = '(?:(?:all|every|most|these|those|the|them|fucking|filthy|dirty|damn|bloody) )*';
const FILLER =
  '(?:(?:all|just|only|nothing but|such|so|too|really|literally|basically|fucking|a bunch of|a pack of) )*';

const G = `(?:${GROUPS.join('|')})`;
const PATTERNS = [
  // "all X are terrorists", "X are vermin", "X r not human"
  `${QUANT}${G} (?:are|r|is|were) ${FILLER}(?:${DEROGATORY.join('|')})`,
  // "deport all X", "kill the X"
  `${HARM_VERBS} ${QUANT}${G}`,
  // "X should die", "X need to go back"
  `${G} (?:${DESERVE}|${DENY})`,
  `death to ${QUANT}${G}`,
  // "I hate X", "hate all X" (not "I hate girls who ...": some of a group is not the group)
  `hate ${QUANT}${G}(?! (?:who|that|when|which|with|like|in|on|at|from)\\b)`,
  // "go back to your country"
  'go (?:back|home) to (?:your|ur|yer|their) (?:own |shithole |fucking )?(?:country|countries|homeland|jungle|desert|cave|continent|village)',
];

const ATTACK = new RegExp(`(?<![\\p{L}\\p{N}])(?:${PATTERNS.join('|')})(?![\\p{L}\\p{N}])`, 'u');

/** Letters that digits and signs stand for inside a word (`a11 mus1ims`, `$cum`, `k!ll`). */
const LEET: Record<string, string> = {
  '0': 'o',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};
const LETTER = /\p{L}/u;

/**
 * The ways to read a text: folded, leetspeak read as letters, other signs as single spaces. A
 * "1" may be an "i" or an "l" (`k1ll`, `a11`), so a text with one is read both ways.
 */
export function identityForms(text: string): string[] {
  const folded = fold(text);
  const read = (one: string) =>
    folded
      .replace(/[0134579@$!|]+/g, (run: string, at: number) => {
        const before = LETTER.test(folded[at - 1] ?? '');
        const after = LETTER.test(folded[at + run.length] ?? '');
        // Signs only inside a word ("k!ll", not "muslims!"); digits beside a letter ("a11").
        const inside = /^[!|]+$/.test(run) ? before && after : before || after;
        return inside ? [...run].map((c) => (c === '1' ? one : (LEET[c] ?? c))).join('') : run;
      })
      .replace(/[^\p{L}\p{N}'\-\s]+/gu, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  return folded.includes('1') ? [read('i'), read('l')] : [read('i')];
}

/** Holds a comment that attacks a group of people (`forms`: its `identityForms`, when at hand). */
export function checkIdentityAttack(text: string, forms = identityForms(text)): StageResult {
  return forms.some((form) => ATTACK.test(form)) ? { verdict: 'hold', reasons: ['identity_attack'] } : { reasons: [] };
}
