/**
 * Threats and violence against a person, sexual harassment, incitement to self-harm and insults,
 * read from a comment's folded reading (`chat-reading.ts`, where an @-mention reads "you").
 * Violence counts when it is aimed at the reader, the streamer or a viewer and said as intent
 * ("I will find you and break your legs"); game and sports talk aims it at a boss, a team or
 * "him" in a match ("destroy them in the second half", "kill him, go for the headshot") and does
 * not match. Sexual rules need a demand or a remark about the person's body, not a word alone.
 */
import type { Finding } from './automod.js';
import type { ChatReading } from './chat-reading.js';
import { any, gap, type PhraseRule, PhraseRules } from './phrase-rules.js';

const YOU = any(
  'you',
  'u',
  'ya',
  'yall',
  'your family',
  'ur family',
  'your mom',
  'your kids',
  'the streamer',
  'this streamer',
  'that streamer',
  'the host',
  'him irl',
  'her irl',
);
const YOUR = any('your', 'ur', 'yo', 'yer');
// First person or "someone": "the fall damage will kill you" is advice, not intent.
const INTENT = any(
  'i',
  'ill',
  'im',
  'i am',
  'iam',
  'imma',
  'ima',
  'we',
  'well',
  'were',
  'someone',
  'somebody',
  'someone should',
  'hope someone',
  'let me',
  'lemme',
  'coming to',
);
const HARM = any(
  'kill',
  'murder',
  'stab',
  'shoot',
  'hurt',
  'rape',
  'strangle',
  'choke',
  'hunt down',
  'hunt',
  'slit',
  'swat',
  'doxx',
  'dox',
  'behead',
  'punch',
  'bash',
  'torture',
  'kidnap',
  'run over',
  'bury',
  'drown',
  'put a bullet in',
);
const NOT = any('not', 'never', 'dont', 'wont', 'wouldnt', 'cant');
/** Up to two words, none of them a "not" ("i don't hunt birds unless you ..."). */
const AFFIRMED_GAP = `(?: (?!${NOT}(?![^ ]))[^ ]+){0,2}`;

const THREATS: PhraseRule[] = [
  // "I will find you and break your legs", "im gonna stab you", "someone should shoot this streamer"
  {
    pattern: `(?<!${NOT} )${INTENT}${AFFIRMED_GAP} ${HARM}${gap(3)} ${YOU}(?! ${any('at', 'in game', 'in the game', 'in this game', 'in ranked', 'in the next', 'in round', 'in the final', 'in chess', 'in a 1v1', 'in fortnite', 'on the court', 'on the field', 'a message', 'a dm', 'a msg', 'a text', 'an email', 'a link', 'with', 'over', 'down the')})`,
    kind: 'threat',
    strength: 3,
  },
  {
    pattern: `${any('ill', 'i will', 'im gonna', 'im going to', 'we will', 'well', 'gonna', 'imma')} ${any('find', 'hunt', 'track')}${any(' down', '')} ${any('you', 'u', 'ya')}(?= *$| ${any('and', 'irl', 'after', 'tonight', 'bitch', 'one day', 'i swear')})|${any('beat', 'beating')} ${any('you', 'u', 'ya')}${any(' up', ' to death', ' senseless')}`,
    kind: 'threat',
    strength: 3,
  },
  {
    pattern: `(?<!${any('youll', 'you will', 'careful', 'dont', 'could', 'might', 'can', 'gonna', 'you')} )${any('break', 'slit', 'cut', 'snap')} ${YOUR} ${any('legs', 'neck', 'throat', 'arms', 'face', 'jaw', 'skull', 'bones', 'fingers')}|${any('burn', 'blow up', 'shoot up', 'bomb')} ${YOUR} ${any('house', 'home', 'car', 'school', 'family')}`,
    kind: 'threat',
    strength: 3,
  },
  {
    pattern: `${any('break', 'snap')} every bone in ${YOUR} body|${any('beat', 'kick', 'knock')} the ${any('shit', 'crap', 'hell', 'life')} out of ${YOU}`,
    kind: 'threat',
    strength: 3,
  },
  {
    pattern: `i know ${any('where you live', 'where u live', 'your address', 'ur address', 'where you sleep', 'your school')}(?! ${any('is', 'was', 'by')})|${any('find', 'found', 'finding', 'get')}${gap(1)} ${any('out where you live', 'your address', 'where you live', 'ur address')}`,
    kind: 'threat',
    strength: 3,
  },
  {
    // "watch your back" and "you'll regret" are compositional rules, with their game look-alikes.
    pattern: `${any('sleep with one eye open', 'count your days', 'your days are numbered', 'ur days are numbered', 'you are next', 'youre next')}`,
    kind: 'threat',
    strength: 2,
  },
  {
    pattern: `${YOUR} address ${any('is leaked', 'leaked', 'is out', 'is')}|${any('doxx', 'dox', 'swat', 'doxxed', 'swatted')} ${any('you', 'u', 'your', 'ur', 'this streamer', 'the streamer')}`,
    kind: 'threat',
    strength: 3,
  },
  {
    pattern: `${any('youre', 'you are', 'ur', 'u r', 'you r')} ${any('dead', 'dead meat', 'a dead man', 'so dead')} ${any('when', 'if', 'after', 'tonight', 'irl', 'bitch')}`,
    kind: 'threat',
    strength: 3,
  },
  {
    pattern: `${any('youre', 'you are', 'ur', 'you', 'u')} ${any('gonna', 'going to', 'will', 'gon')} ${any('die', 'bleed', 'get hurt', 'pay')}${gap(1)} ${any('tonight', 'irl', 'soon', 'today', 'bitch', 'for this')}`,
    kind: 'threat',
    strength: 3,
  },
  {
    pattern: `${any('coming to', 'outside')} ${YOUR} ${any('house', 'home', 'door', 'school', 'work')}${gap(3)} ${any('knife', 'gun', 'bat', 'axe', 'kill', 'hurt')}|${any('coming for you', 'coming for u')}`,
    kind: 'threat',
    strength: 3,
  },
  {
    pattern: `${any('hope', 'wish')}${gap(1)} ${any('someone', 'somebody', 'you', 'u', 'they')}${gap(1)} ${any('beats', 'kills', 'shoots', 'stabs', 'rapes', 'get', 'gets')}${gap(1)} ${any('you', 'u', 'stabbed', 'shot', 'killed', 'raped', 'murdered', 'beaten', 'hit by a', 'cancer')}`,
    kind: 'threat',
    strength: 3,
  },
  {
    pattern: `${any('put', 'putting')} a ${any('bullet', 'knife')} ${any('in', 'through')}|${any('shoot', 'kill', 'stab')} ${any('this streamer', 'the streamer', 'that streamer')}`,
    kind: 'threat',
    strength: 3,
  },
];

const BODY = any(
  'tits',
  'titties',
  'boobs',
  'boobies',
  'ass',
  'butt',
  'booty',
  'pussy',
  'feet',
  'body',
  'chest',
  'bra',
  'panties',
  'thighs',
  'cleavage',
  'nipples',
  'vagina',
  'bum',
);
const SEXUAL: PhraseRule[] = [
  {
    pattern: `show(?: ${any('us', 'me')})?(?: ${any('your', 'ur', 'ya', 'them', 'those', 'some', 'the', 'off your', 'off ur')})? ${BODY}`,
    kind: 'harassment',
    strength: 3,
  },
  {
    pattern: `${any('send', 'post', 'drop')}(?: ${any('me', 'us')})? ${any('nudes', 'nudez', 'noodz', 'noods', 'naked pics', 'pics of your', 'feet pics', 'nude')}`,
    kind: 'harassment',
    strength: 3,
  },
  {
    pattern: `${any('i', 'id', 'i would', 'i want to', 'i wanna', 'wanna', 'let me', 'lemme', 'gonna', 'i will', 'ill', 'want to', 'would')} ${any('fuck', 'smash', 'bang', 'rail', 'lick', 'suck', 'bend', 'grope', 'finger', 'ride', 'eat', 'breed', 'rape', 'touch', 'fondle', 'pound', 'f')} ${any('you', 'u', 'ya', 'her', 'that', 'your', 'ur', 'the streamer')}`,
    kind: 'harassment',
    strength: 3,
  },
  {
    pattern: `${any('id', 'i would', 'would', 'i')} ${any('smash', 'hit that', 'tap that', 'destroy that')}(?! ${any('button', 'key', 'record', 'game', 'boss', 'level', 'like')})`,
    kind: 'harassment',
    strength: 2,
  },
  {
    pattern: `${any('suck', 'lick', 'touch', 'ride', 'sit on', 'see', 'taste')} my ${any('dick', 'cock', 'face', 'balls', 'lap', 'penis', 'pussy', 'd')}`,
    kind: 'harassment',
    strength: 3,
  },
  {
    pattern: `${any('take', 'took', 'pull')}(?: off)? ${any('your', 'ur', 'that', 'ya')} ${any('shirt', 'top', 'clothes', 'bra', 'pants', 'panties', 'dress', 'jeans')}`,
    kind: 'harassment',
    strength: 3,
  },
  {
    pattern: `${any('nice', 'big', 'huge', 'sexy', 'hot', 'fat', 'juicy', 'perfect', 'great')} ${any('tits', 'titties', 'boobs', 'boobies', 'ass', 'butt', 'booty', 'rack', 'thighs', 'cleavage', 'nipples', 'melons')}`,
    kind: 'harassment',
    strength: 3,
  },
  {
    pattern: `${any('jerk', 'jerking', 'jack', 'jacking', 'wank', 'wanking', 'fap', 'fapping', 'cum', 'cumming', 'masturbate', 'masturbating')}${gap(1)} ${any('off to', 'to', 'on', 'over', 'for', 'while')} ${any('you', 'u', 'your', 'ur', 'her', 'this', 'the streamer')}`,
    kind: 'harassment',
    strength: 3,
  },
  {
    pattern: `${any('so', 'im', 'getting', 'make me', 'makes me', 'got me')} horny|${any('im', 'getting', 'got me')}(?: so)? ${any('hard', 'wet', 'rock hard')} ${any('for', 'watching', 'looking at', 'thinking about')}|${any('you', 'u', 'she')} ${any('make', 'makes', 'made')} me(?: so)? ${any('hard', 'wet', 'horny')}`,
    kind: 'harassment',
    strength: 3,
  },
  {
    pattern: `${any('what color', 'what colour')} ${any('is', 'are')} ${any('your', 'ur')} ${any('bra', 'panties', 'underwear', 'thong')}|${any('your', 'ur')} ${any('bra', 'panties', 'thong', 'nipples')}`,
    kind: 'harassment',
    strength: 3,
  },
  {
    pattern: `${any('look', 'be')} ${any('better', 'good', 'hot', 'hotter', 'sexy')} ${any('naked', 'nude', 'without clothes', 'without your clothes', 'in a bikini', 'on your knees', 'in lingerie')}|${any('get', 'go')} naked`,
    kind: 'harassment',
    strength: 3,
  },
  {
    pattern: `${any('shake', 'twerk', 'bounce', 'spread', 'open')} ${any('that', 'your', 'ur', 'those')} ${any('ass', 'butt', 'booty', 'legs', 'cheeks', 'tits')}|${any('on your knees', 'get on your knees', 'bend over')}`,
    kind: 'harassment',
    strength: 3,
  },
  { pattern: `${any('bend', 'pin')} ${any('you', 'u', 'her')} over`, kind: 'harassment', strength: 3 },
  { pattern: `${any('horny', 'onlyfans', 'nudes', 'naked', 'boobs', 'tits')}`, kind: 'sexual_content', strength: 1 },
  {
    pattern: `${any('feet pics', 'foot pics', 'sell feet', 'feet for')}|show feet|${any('rape', 'raping')} ${any('you', 'u', 'her')}`,
    kind: 'harassment',
    strength: 3,
  },
];

const SELF = any('yourself', 'urself', 'ur self', 'your self', 'yourselves', 'youself', 'yoself', 'yaself');
const SELF_HARM: PhraseRule[] = [
  // Not where the word is explained ("kys = keep yourself safe?").
  {
    pattern: `${any('kys', 'kys now', 'kysss', 'kms kys')}(?! ${any('keep', 'means', 'mean', 'stands')})`,
    kind: 'kys',
    strength: 3,
  },
  {
    pattern: `${any('uninstall life', 'uninstall your life', 'uninstall ur life', 'log off forever', 'unalive yourself', 'unalive urself')}`,
    kind: 'incitement',
    strength: 3,
  },
  {
    pattern: `(?<!${any('dont', 'do not', 'not', 'never', 'ill', 'will', 'gonna', 'almost', 'nearly', 'can', 'could', 'might', 'would')} )${any('kill', 'hang', 'neck', 'end', 'unalive', 'shoot', 'off', 'drown', 'delete', 'stab')} ${SELF}(?! ${any('over', 'in the', 'with', 'laughing', 'trying', 'for', 'to get', 'from')})`,
    kind: 'kys',
    strength: 3,
  },
  {
    pattern: `${any('drink', 'chug')} ${any('bleach', 'some bleach', 'poison')}|jump ${any('off', 'from')} a ${any('bridge', 'building', 'cliff', 'roof')}|${any('slit', 'cut')} ${any('your', 'ur')} ${any('wrists', 'wrist')}`,
    kind: 'incitement',
    strength: 3,
  },
  {
    pattern: `${any('nobody', 'no one', 'noone', 'no1')} ${any('would', 'will', 'wouldnt', 'gonna')} ${any('miss', 'care', 'notice', 'cry')}${gap(3)} ${any('you', 'u', 'died', 'die', 'dead', 'gone')}|${any('world', 'everyone', 'we')} ${any('would be', 'be', 'is')} better ${any('off ', '')}${any('without you', 'without u', 'if you died', 'if u died')}`,
    kind: 'incitement',
    strength: 3,
  },
  {
    pattern: `${any('just end it', 'end it all', 'end your life', 'end ur life', 'take your own life', 'take ur own life', 'unalive')}|${any('do', 'doing')} ${any('us', 'everyone', 'the world', 'everybody')} a ${any('favor', 'favour')}${gap(3)} ${any('die', 'kill', 'neck', 'end', 'hang', 'leave')}`,
    kind: 'incitement',
    strength: 3,
  },
  {
    pattern: `${any('you', 'u', 'ya')} ${any('should', 'deserve to', 'need to', 'must', 'gotta', 'ought to', 'better')} ${any('just ', '')}${any('die', 'kill yourself', 'end it', 'be dead')}|go die(?= *$| ${any('already', 'pls', 'please', 'now', 'irl', 'bitch', 'loser', 'idiot', 'in a')})`,
    kind: 'incitement',
    strength: 3,
  },
];

const INSULT_WORD = any(
  'idiot',
  'idiots',
  'moron',
  'morons',
  'imbecile',
  'loser',
  'losers',
  'scum',
  'worthless',
  'pathetic',
  'disgusting',
  'ugly',
  'stupid',
  'dumb',
  'useless',
  'braindead',
  'brain dead',
  'clown',
  'joke',
  'failure',
  'degenerate',
  'whore',
  'slut',
  'bitch',
  'cunt',
  'asshole',
  'bastard',
  'dickhead',
  'prick',
  'twat',
  'pig',
  'fat pig',
  'cow',
  'trash',
  'garbage',
  'talentless',
  'annoying',
  'cringe',
  'virgin',
  'incel',
  'piece of shit',
  'piece of crap',
  'waste of space',
  'waste of oxygen',
  'waste of air',
  'jerk',
  'creep',
  'freak',
  'dumbass',
  'jackass',
  'dipshit',
  'pos',
  'simp',
  'noob',
  'nobody',
);
const FILL = `(?: ${any('are', 'r', 'is', 'was', 'such', 'so', 'a', 'an', 'just', 'nothing but', 'total', 'complete', 'absolute', 'fucking', 'fkn', 'stupid', 'dumb', 'ugly', 'little', 'fat', 'worthless', 'pathetic', 'useless', 'sad', 'big', 'dirty', 'braindead', 'talentless', 'annoying', 'cringe', 'lame', 'such a')}){0,4}`;
const INSULTS: PhraseRule[] = [
  {
    pattern: `(?<!${any('love', 'luv', 'miss', 'thank', 'bless', 'with', 'like')} )${any('you', 'u', 'youre', 'ur', 'ya', 'yall', 'this streamer', 'the streamer', 'streamer', 'this guy', 'the host', 'he', 'she', 'hes', 'shes')}${FILL} ${INSULT_WORD}(?! ${any('at', 'in', 'on', 'of', 'with', 'for', 'to', 'but', 'lol i love', 'i love', 'haha', 'move', 'mistake', 'play', 'bug', 'question', 'genius', 'legend', 'king', 'goat', 'beast')})`,
    kind: 'insult',
    strength: 2,
  },
  {
    pattern: `${any('what a', 'such a', 'youre a', 'ur a', 'you absolute', 'shut up you', 'stfu you', 'go away', 'cringe')} ${FILL}${INSULT_WORD}(?! ${any('move', 'mistake', 'play', 'bug', 'question', 'goal', 'save', 'shot', 'game', 'match', 'song')})`,
    kind: 'insult',
    strength: 2,
  },
  {
    pattern: `${any('stfu', 'shut the fuck up', 'shut the f up', 'fuck you', 'fuck u', 'fuck off', 'screw you', 'f u', 'fu')}(?! ${any('lol', 'haha', 'lmao', 'thats', 'good', 'amazing')})`,
    kind: 'insult',
    strength: 2,
  },
  {
    pattern: `${any('nobody', 'no one', 'noone', 'everyone', 'everybody')} ${any('likes', 'cares about', 'wants', 'thinks', 'hates')} ${any('you', 'u', 'ur', 'youre', 'this streamer', 'the streamer', 'ya')}`,
    kind: 'harassment',
    strength: 2,
  },
  {
    pattern: `${any('you', 'u', 'ya', 'ur', 'your stream', 'this stream', 'your voice', 'ur voice', 'your face', 'ur face')} ${any('suck', 'sucks', 'stink', 'stinks', 'is trash', 'is garbage', 'is so annoying', 'is annoying', 'are annoying', 'make me sick')}(?! ${any('at', 'in', 'lol', 'but', 'today', 'sometimes')})`,
    kind: 'insult',
    strength: 2,
  },
  {
    pattern: `${any('your', 'ur', 'yo', 'yer')} ${any('mom', 'mum', 'mother', 'mama', 'momma', 'sister', 'sis', 'wife', 'gf')}(?: ${any('is', 's')})?(?: ${any('a', 'an', 'such a', 'fat', 'ugly', 'fucking', 'dirty')}){0,3} ${any('whore', 'slut', 'hoe', 'bitch', 'cunt')}`,
    kind: 'insult',
    strength: 2,
  },
  {
    pattern: `${any('go back to your', 'go back to ur', 'crawl back to your', 'get back to your')} ${any('basement', 'cave', 'mommys basement', 'moms basement', 'hole')}|${any('retard', 'retarded', 'cringe', 'braindead', 'dumb', 'trash')} ${any('streamer', 'host', 'loser', 'idiot')}`,
    kind: 'insult',
    strength: 2,
  },
];

const threats = new PhraseRules('hostility', THREATS);
const sexual = new PhraseRules('sexual', SEXUAL);
const selfHarm = new PhraseRules('selfHarm', SELF_HARM);
const insults = new PhraseRules('hostility', INSULTS);

const EXPLAINED_KYS = /(?:^| )kys (?:keep|means|mean|stands)(?: |$)/;

/** Self-harm incitement written as one glued token ("k y s", "k.y.s", "kyyys"). */
function gluedKys(r: ChatReading): Finding[] {
  // Not where the word is explained ("kys = keep yourself safe?").
  if (EXPLAINED_KYS.test(r.text)) return [];
  return r.glued.some((t) => t === 'kys' || t === 'kyss' || t === 'kkys' || t === 'kyys')
    ? [{ category: 'selfHarm', kind: 'kys', strength: 3 }]
    : [];
}

/** Threats, sexual harassment, self-harm incitement and insults in a reading. */
export function findAbuse(r: ChatReading): Finding[] {
  return [
    ...threats.find(r.text),
    ...sexual.find(r.text),
    ...selfHarm.find(r.text),
    ...gluedKys(r),
    ...insults.find(r.text),
  ];
}
