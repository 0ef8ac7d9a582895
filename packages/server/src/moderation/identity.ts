/**
 * Attacks on a group of people that carry no slur, which the toxicity model (trained on tweets
 * where hate mostly comes with slurs) lets through: a group called vermin or criminals ("all X
 * are terrorists", "every X is a rat"), told to leave ("go back to your country"), wished dead
 * or driven out ("X should die", "deport all X", "death to X"), denied being people, or hated as
 * a whole ("I hate X"). Such a comment is held for a moderator, not blocked: the same words also
 * come as a quotation or as the answer to one, and a person tells those apart. An event turns
 * the rule off with `attackRules: false`.
 *
 * The groups are those hate is aimed at (religion, origin, colour, sexuality, gender identity,
 * disability, women), named so that a team or an adjective is not one: "the All Blacks",
 * "Mumbai Indians", "the Whites", "chinese food", "our men" and "the girls" do not count, "black
 * people", "indian people" and "chinese people" do. The patterns read the text's `readings`.
 */
import type { StageResult } from './policy.js';

/** A group, in the plural (or as "<adjective> people"). */
const GROUPS = [
  'muslims',
  'moslems',
  'islamists',
  'jews',
  'christians',
  'catholics',
  'hindus',
  'sikhs',
  'buddhists',
  'atheists',
  'blacks',
  'arabs',
  'africans',
  'asians',
  'mexicans',
  'latinos',
  'latinas',
  'hispanics',
  'pakistanis',
  'somalis',
  'syrians',
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
  '(?:black|white|brown|asian|gay|trans|transgender|disabled|autistic|jewish|muslim|christian|deaf|blind|chinese|indian|mexican|arab|african|russian|ukrainian|polish|romanian|turkish|irish|german|french|american|british) (?:people|ppl|folks|guys|kids)',
];

/** One member of a group ("every muslim is ..."). */
const MEMBER =
  '(?:muslim|moslem|jew|christian|catholic|hindu|sikh|atheist|arab|african|asian|mexican|immigrant|migrant|refugee|foreigner|illegal|gypsy|gay|lesbian|homosexual|woman|female)';

/** What the group is called when it is attacked ("are ..."); plural and singular. */
const DEROGATORY = [
  'terrorists?',
  'animals?',
  'vermin',
  'rats?',
  'parasites?',
  'cockroach(?:es)?',
  'roach(?:es)?',
  'insects?',
  'pigs?',
  'apes?',
  'monkeys?',
  'dogs?',
  'savages?',
  'barbarians?',
  'sub ?humans?',
  'scum',
  'trash',
  'garbage',
  'filth(?:y)?',
  'disgusting',
  'criminals?',
  'rapists?',
  'p(?:a)?edophiles?',
  'thieves',
  'thief',
  'inferior',
  'evil',
  'worthless',
  'stupid',
  'dumb',
  'idiots?',
  'retarded',
  'invaders?',
  'sick',
  'mentally ill',
  'an abomination',
  'the enemy',
  'a (?:disease|cancer|plague|virus|disgrace|curse)',
  'not (?:human|people|humans|persons)',
  'less than human',
];

/** Violence or removal aimed at the group. */
const HARM_VERBS =
  '(?:kill|murder|gas|hang|lynch|shoot|burn|nuke|bomb|exterminate|eradicate|wipe out|get rid of|kick out|deport|ban|expel|remove)';
const DESERVE =
  '(?:should|must|need to|needs to|deserve to|ought to|have to|gotta|got to)(?: all)?(?: just)?(?: fucking)? (?:die|be killed|be shot|be gassed|be hanged|be hung|be deported|be exterminated|be banned|be removed|be wiped out|burn|hang|rot|go back|leave|get out|disappear)';
const DENY =
  "(?:should not|shouldn't|shouldnt|don't deserve to|dont deserve to|do not deserve to) (?:exist|live|breathe|have rights|be allowed to (?:live|vote|exist))";
const QUANT = '(?:(?:all|every|most|these|those|the|them|fucking|filthy|dirty|damn|bloody) )*';
const FILLER =
  '(?:(?:all|just|only|nothing but|such|so|too|really|literally|basically|fucking|a bunch of|a pack of|a|an|the) )*';
/** After a group, what makes it a possessive or a part of it ("women's football", "girls who"). */
const NOT_WHOLE = "(?!'s|s'| (?:who|that|which|whose|when)\\b)";

const G = `(?:${GROUPS.join('|')})${NOT_WHOLE}`;
const D = `(?:${DEROGATORY.join('|')})`;
const PATTERNS = [
  // "X are vermin", "X r not human" (a leading "all" or "the" changes nothing, so it is not read:
  // a run of such words before every start would cost quadratic time)
  // (not in reported speech: "people say X are criminals, which is false")
  `(?<!(?:say|says|said|claim|claims|think|thinks) )${G} (?:are|r|is|were) ${FILLER}${D}`,
  `${G} (?:aren't|arent|are not|r not|ain't) (?:even )?(?:human|humans|people|persons)`,
  // "every X is a rat"
  `(?:every|each|any) ${MEMBER} (?:is|'s) ${FILLER}${D}`,
  // "deport all X", "kill the X"
  `${HARM_VERBS} ${QUANT}${G}`,
  // "X should die", "X need to go back"
  `${G} (?:${DESERVE}|${DENY})`,
  `death to ${QUANT}${G}`,
  // "I hate X", "hate all X" (not "I don't hate X")
  `(?<!(?:don't|dont|do not|didn't|never|not) )hate ${QUANT}${G}`,
  // "go back to your country", "go back to where you came from"
  'go (?:back|home) to (?:(?:your|ur|yer|their) (?:own |shithole |fucking )?(?:country|countries|homeland|jungle|desert|cave|continent|village)|where (?:you|u|ya|they) (?:came|come) from|africa|mexico|asia|china|india|pakistan|the middle east)',
];

const ATTACK = new RegExp(`(?<![\\p{L}\\p{N}'])(?:${PATTERNS.join('|')})(?![\\p{L}\\p{N}])`, 'u');

/** Holds a comment whose `readings` attack a group of people. */
export function checkIdentityAttack(forms: readonly string[]): StageResult {
  return forms.some((form) => ATTACK.test(form)) ? { verdict: 'hold', reasons: ['identity_attack'] } : { reasons: [] };
}
