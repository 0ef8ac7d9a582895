/**
 * AutoMod's compositional rules: threats, sexual remarks, group hate and insults written as
 * sequences of word classes (`word-classes.ts`) rather than sentences, so that they reach the
 * wordings nobody listed ("keep it up and your car is getting torched", "bet you moan loud",
 * "asians don't belong in our league"). The phrase rules beside them (`abuse-rules.ts`,
 * `discrimination.ts`) keep the idioms. Game and sport talk is kept out by what a rule needs:
 * a harm verb is a threat only with an intent before it and a person after it, and not with a
 * game word after ("kill you in ranked"); a weak verb ("destroy", "break", "smash") only with a
 * body part or a person's kin or home; a body word is sexual only with an exposing verb or a
 * person's possessive.
 */
import type { Finding } from './automod.js';
import type { ChatReading } from './chat-reading.js';
import { WORDS } from './word-classes.js';
import { SequenceRules } from './word-sequences.js';

const NO = 'NEG';
/** Before a threat's intent: "nobody will hurt you", "i would never". */
const NOT_BEFORE_INTENT = 'NEG|dont|if|hope|nobody|noone|no_one';

/** After a group's name, what makes it an adjective of a thing: "the chinese team is stupid good". */
const NOT_PEOPLE = 'team|teams|squad|side|fans|food|restaurant|players|league|roster|version|server|region';

/** The rules, by category. */
export const RULES = new SequenceRules(WORDS)
  // Threats: intent, harm, a person ("im gonna stab u", "someones going to shoot this streamer").
  .add('hostility', 'threat', 3, 'INTENT ~2 HARM ~1 YOU', {
    notBefore: NOT_BEFORE_INTENT,
    notBetween: NO,
    notAfter: 'GAME',
  })
  // "ill put you in the ground", "someones going to run you over", "imma knock u out"
  .add('hostility', 'threat', 3, 'INTENT ~2 HARM|WEAK_HARM ~1 YOU ~1 END', {
    notBefore: NOT_BEFORE_INTENT,
    notBetween: NO,
    notAfter: 'GAME',
  })
  // "im gonna make you bleed"
  .add('hostility', 'threat', 3, 'INTENT ~2 make YOU ~1 bleed|suffer|pay|beg|disappear|regret', {
    notBefore: NOT_BEFORE_INTENT,
    notBetween: NO,
  })
  // "break your legs", "smash your face in", "slit ur throat", "kill your family"
  .add('hostility', 'threat', 3, 'INTENT ~2 HARM|WEAK_HARM ~1 YOUR ~1 VBODY', {
    notBefore: NOT_BEFORE_INTENT,
    notBetween: NO,
  })
  .add(
    'hostility',
    'threat',
    3,
    'slit|cut|snap|smash|bash|gouge_out|rip_out YOUR throat|neck|skull|jaw|face|teeth|eyes',
    {
      notBefore: `${NO}|youll|you|careful|could|might|can|gonna`,
    },
  )
  .add('hostility', 'threat', 3, 'INTENT ~2 HARM|WEAK_HARM ~1 YOUR ~1 KIN', {
    notBefore: NOT_BEFORE_INTENT,
    notBetween: NO,
    notAfter: 'GAME',
  })
  // "your kids wont be safe", "your car is getting torched", "your family is gonna pay"
  .add('hostility', 'threat', 3, 'YOUR ~1 KIN ~4 MENACE', {
    notBetween: 'not|never|didnt|wasnt|from|if|when|how|why',
    notBefore: 'keep|save|protect|insure|if|when|how|why|did|does|has|was',
  })
  .add('hostility', 'threat', 3, 'YOUR ~1 KIN ~3 NEG ~2 safe')
  .add('hostility', 'threat', 3, 'shame_if ~3 MENACE|happened|happens|happen')
  .add('hostility', 'threat', 3, 'be_a_shame if ~3 MENACE|happened|happens|happen')
  // Doxxing: "i know where you live", "I have your IP", "we found your address", "posting your address"
  .add('hostility', 'threat', 3, 'i|we|ive|weve|someone|they|im ~1 DOX_VERB ~2 DOX_NOUN', {
    notAfter: 'is|was|by|song',
    notBefore: 'how|do|where|can|should|cant|to',
    notBetween: `${NO}|my|our|the|a|his|her`,
  })
  .add('hostility', 'doxxing', 3, 'lucky ~3 where_you_live|where_u_live|DOX_NOUN')
  .add('hostility', 'threat', 3, 'INTENT ~2 make|making YOUR ~1 life ~1 hell|miserable|a_living_hell', {
    notBefore: NO,
  })
  .add('hostility', 'menace', 2, 'bring|better_bring|get ~1 a_bodyguard|bodyguard|bodyguards|security|backup|a_vest')
  .add('hostility', 'threat', 2, 'get|catch|find|meet YOU ~1 alone|dark_alley|outside')
  .add('hostility', 'threat', 3, 'pray|better_pray|hope ~2 NEG|never ~2 meet|see|find|catch|run_into ~1 YOU')
  .add('hostility', 'threat', 3, 'posting|leaking|dropping|leak|post|drop|dox|doxx|doxxing ~1 YOUR ~1 DOX_NOUN')
  .add('hostility', 'threat', 3, 'YOUR ip|ip_address|home_address ~1 is|leaked ~1 NUM|out|leaked|online|posted')
  .add(
    'hostility',
    'doxxing',
    2,
    'got|have|know|found|leaked|posting ~1 YOUR ~1 ip|ip_address|home_address|address|location|real_name',
    {
      notBefore: 'do|did|what|how|check|find|whats|where|change|hide|protect|forgot|you|u|NEG',
    },
  )
  .add(
    'hostility',
    'doxxing',
    3,
    'i|we|ive|weve|someone|they ~1 know|found|got|have|know_exactly ~1 where ~1 YOUR ~1 KIN',
  )
  .add('hostility', 'menace', 2, 'enjoy ~2 swat|swat_team|visit|knock|surprise|police|cops')
  .add('hostility', 'threat', 3, 'find|found|finding|dump|bury|dumping|identify ~1 YOUR ~1 body|corpse|remains', {
    notAfter: 'pillow|wash|spray|lotion',
  })
  // Menace without a verb of harm (held: also said in games)
  .add('hostility', 'threat', 2, 'watch YOUR back', {
    notAfter: 'in|on|there|theres|at|behind|when|for|sniper|camper|enemy|enemies|GAME',
  })
  .add('hostility', 'threat', 2, 'YOU|youre ~1 regret|pay', {
    notAfter: 'not|missing|skipping|buying|it|that|if|the|GAME',
    notBefore: 'NEG|if|might|may|would|do|did|does|can|could|how|will',
    notBetween: 'could|can|should|would|might|to|do|dont|didnt|must|may',
  })
  .add('hostility', 'threat', 3, 'YOU|youre ~2 end_up|wind_up|gonna_end_up ~1 END|dead|hurt')
  .add(
    'hostility',
    'threat',
    2,
    'YOU ~1 NEG ~1 streaming|breathing|alive|around|walking|safe ~2 long|longer|for_long|forever|again',
    {
      notBetween: 'if',
    },
  )
  .add('hostility', 'threat', 2, 'lock YOUR door|doors', { notAfter: 'is|was|GAME' })
  .add('hostility', 'menace', 2, 'running|run|shut YOUR mouth', { notAfter: 'GAME' })
  .add('hostility', 'menace', 1, 'see_what_happens|find_out|be_a_shame')
  .add('hostility', 'threat', 3, 'im|were|i_am|we_are|ill_be|someones ~2 outside|at|near|by ~1 YOUR ~1 KIN', {
    notAfter: 'GAME|stream|party|concert|show',
  })
  .add('hostility', 'threat', 2, 'YOU ~2 NEG ~1 sleep|go|fall ~2 tonight|asleep|again')
  .add('hostility', 'doxxing', 2, 'YOUR ~1 DOX_NOUN ~2 got|gets|leaked|leaks|out|public', {
    notBefore: 'protect|hide|how|dont|keep',
  })
  .add('hostility', 'threat', 2, 'teach YOU ~1 a_lesson|lesson')
  .add('hostility', 'weapon', 1, 'YOU|YOUR ~6 bat|knife|gun|crowbar|hammer|machete|bullet|bullets', {
    notAfter: 'GAME|skin|skins',
  })
  .add(
    'hostility',
    'insult',
    2,
    'worst|dumbest|ugliest|stupidest|most_boring|most_annoying streamer|mod|host|human|person ~2 on|ever|alive|of',
  )
  .add('hostility', 'insult', 2, 'hope|wish YOU ~1 lose|suffer|rot|fail ~1 everything|all|forever|alone', {
    notAfter: 'GAME|round|match',
  })
  .add('hostility', 'threat', 2, 'INTENT ~2 wait|waiting|be_waiting|wait_for ~2 outside', {
    notBefore: NO,
    notAfter: 'the|for|with|a|to|GAME',
  })
  .add('hostility', 'threat', 3, 'wait|waiting|be_waiting|show_up|pull_up|camp|camping ~2 outside ~1 YOUR ~1 KIN')
  .add(
    'hostility',
    'threat',
    2,
    'INTENT|were|im|we_are|i_am|theyre|someones ~2 come|coming|going|heading|driving|show_up|pull_up|stop_by|visit|visiting ~2 YOUR ~1 KIN',
    {
      notBefore: NO,
      notAfter: 'to_watch|for|GAME',
    },
  )
  .add('hostility', 'menace', 1, 'see|c YOU soon|irl|tonight|outside')
  // Sexual remarks aimed at a person: undressing, looking under, acts.
  .add('sexual', 'harassment', 3, 'EXPOSE ~1 YOUR|her|those|them|some|ya|off|it ~1 SBODY|CLOTH', {
    notAfter: 'GAME|skin|emote|stats|build',
    notBetween: 'up|the|a|NEG',
  })
  .add('sexual', 'harassment', 3, 'UNDER ~2 CLOTH')
  .add('sexual', 'harassment', 3, 'CLOTH ~6 UNDER')
  .add('sexual', 'harassment', 3, 'CLOTH ~6 pull|lower|lift|take|drop ~1 it ~1 down|off')
  .add('sexual', 'harassment', 3, 'zoom|zoom_in ~2 her|YOUR|ya|those|on_her ~1 SBODY|chest|CLOTH')
  .add('sexual', 'harassment', 2, 'bend_over|bend_down ~3 for|camera|cam|chat|me|us')
  .add('sexual', 'harassment', 2, 'flash_us|flash_me|flash_chat|flash ~2 for|pls|please|plz|NUM|chat', {
    notAfter: 'then|and|GAME',
  })
  .add(
    'sexual',
    'harassment',
    3,
    'see|watch|picture|imagine YOU ~2 bikini|lingerie|underwear|panties|thong|nothing|naked|nude',
  )
  .add(
    'sexual',
    'harassment',
    2,
    'id_love_to|id|i_would|i_want_to|i_wanna|wanna|let_me|lemme|ill ~2 tie|handcuff|spank|undress|strip|grope|lick|kiss|touch|taste|ride|bend YOU|her',
    {
      notAfter: 'GAME|for_this',
    },
  )
  .add(
    'sexual',
    'harassment',
    3,
    'send|post|drop|show ~3 pic|pics|picture|pictures|photo|photos|selfie|vid|video ~2 YOUR|her ~1 SBODY|CLOTH',
  )
  .add('sexual', 'harassment', 2, 'make|makes|made|making|got|gets me ~1 hard|wet|horny|rock_hard|so_hard', {
    notAfter: 'GAME|stuck|rage|laugh',
  })
  .add('sexual', 'harassment', 2, 'CLOTH ~3 see_through|transparent|so_tight|too_tight|show_more|show_us_more')
  .add(
    'sexual',
    'body_remark',
    1,
    'YOUR|her|those ~1 tits|titties|boobs|ass|butt|booty|thighs|cleavage|nipples|cheeks|hips|curves|rack|lips|mouth',
  )
  .add(
    'sexual',
    'harassment',
    3,
    'let_me|lemme|wanna|i_wanna|i_want_to|can_i|can_we|id_love_to ~1 see|watch|touch|grab|feel|squeeze ~1 YOUR|those|them|her|ur ~1 SBODY|CLOTH',
    {
      notAfter: 'GAME|skin|emote|stats|build',
    },
  )
  .add(
    'sexual',
    'harassment',
    2,
    'stream|streaming|cosplay|dance|dancing ~3 bikini|lingerie|underwear|thong|naked|nude|topless',
  )
  .add('sexual', 'harassment', 3, 'sit_on my_lap|my_face|me|this')
  .add('sexual', 'harassment', 2, 'private_show|private_shows|private_session|private_stream', {
    notAfter: 'GAME|tournament|match',
  })
  .add(
    'sexual',
    'harassment',
    3,
    'pay|paid|pay_for|would_pay ~2 for|to_see|to_lick|to_touch|to_smell ~1 YOUR|her ~1 SBODY|CLOTH',
  )
  .add('sexual', 'advance', 1, 'YOU single|single_rn')
  .add('sexual', 'harassment', 3, 'SBODY or gtfo|get_out|leave|ban')
  .add('sexual', 'innuendo', 1, 'SBODY ~6 SWEAK')
  .add('sexual', 'harassment', 3, 'YOU|her|she ~2 SACT', { notBefore: 'NEG' })
  .add('sexual', 'harassment', 3, 'SACT ~2 YOU|YOUR|her', { notBefore: 'NEG' })
  .add('sexual', 'harassment', 3, 'make|makes|making|let_me|lemme|wanna|id|ill|gonna YOU|her ~1 SACT')
  .add('sexual', 'harassment', 2, 'make|makes|making|let_me|lemme|wanna|id|ill|gonna YOU|her ~1 SWEAK')
  .add('sexual', 'harassment', 3, 'my dick|cock|penis|dickpic|dick_pic|cock_pic|d_pic|d_pics')
  .add('sexual', 'harassment', 3, 'dickpic|dick_pic|dick_pics|cock_pic|d_pic|d_pics')
  .add(
    'sexual',
    'harassment',
    3,
    'YOUR ~1 underwear|lingerie|panties|bra|thong|nightie|nipples|cleavage|tits|boobs|titties|booty|pussy',
  )
  .add('sexual', 'harassment', 2, 'what are|r YOU wearing', { notAfter: 'in|for|as|on|to|GAME' })
  .add('sexual', 'remark', 1, 'YOU|YOUR|her ~4 SWEAK')
  .add('sexual', 'body_remark', 1, 'YOU|YOUR|her ~2 thicc|thick|juicy|sexy|tight|curvy|busty|stacked')
  .add('sexual', 'harassment', 2, 'twerk|twerking|striptease|lap_dance ~2 for|streamer|YOU|us|chat', {
    notAfter: 'GAME|emote',
  })
  .add(
    'sexual',
    'harassment',
    2,
    'wish ~2 i_was|i_were|was|were ~1 YOUR ~1 chair|seat|shower|bed|pillow|mic|toothbrush|bike_seat|towel',
  )
  .add('sexual', 'harassment', 2, 'want|put|shove|stick|fit ~3 in|on ~1 YOUR ~1 mouth|face|lips|throat', {
    notAfter: 'GAME',
  })
  .add('sexual', 'innuendo', 1, 'SWEAK ~4 SWEAK')
  // Wishing a person dead
  .add(
    'selfHarm',
    'incitement',
    3,
    'better|happier|better_off ~3 if ~1 YOU ~2 dead|died|die|gone|disappeared|werent_born',
  )
  // Group hate: "women dont belong in esports", "X are all the same", "X cant be trusted", "X should be kicked out"
  .add('discrimination', 'group_hate', 2, 'GROUP ~1 NEG ~1 belong|belongs', { notBefore: 'NEG|my|our' })
  .add('discrimination', 'group_hate', 2, 'GADJ PEOPLE|MEMBER ~1 NEG ~1 belong|belongs', { notBefore: 'NEG' })
  .add('discrimination', 'group_hate', 2, 'GROUP ~1 BE ~2 DEROG', {
    notBetween: `${NO}|${NOT_PEOPLE}`,
    notBefore: 'NEG|my|our|some|not_all|say|says|said|claim|think',
    notAfter: 'good|great|fast|at|in|on|GAME',
  })
  .add('discrimination', 'group_hate', 2, 'GADJ PEOPLE|MEMBER ~1 BE ~2 DEROG', {
    notBetween: NO,
    notBefore: 'NEG|my|our|some',
    notAfter: 'good|great|fast|at|in|on|GAME',
  })
  .add('discrimination', 'group_hate', 2, 'GROUP ~1 DENY ~2 DENIED|OUT', {
    notBefore: 'NEG|my|our|say|says|said|claim|think',
  })
  .add('discrimination', 'group_hate', 2, 'GADJ PEOPLE|MEMBER ~1 DENY ~2 DENIED|OUT', { notBefore: 'NEG' })
  .add(
    'discrimination',
    'group_hate',
    2,
    'GROUP ~2 should|must|need_to|needs_to|deserve_to|ought_to|gotta|have_to ~2 OUT',
    {
      notBetween: NO,
    },
  )
  .add(
    'discrimination',
    'group_hate',
    2,
    'GADJ PEOPLE ~2 should|must|need_to|needs_to|deserve_to|ought_to|gotta|have_to ~2 OUT',
    {
      notBetween: NO,
    },
  )
  .add(
    'discrimination',
    'group_hate',
    2,
    'NEG|never ~3 hire|trust|date|marry|vote_for|follow|watch|sub_to|listen_to|hire_a|trust_a ~2 GADJ MEMBER|PEOPLE',
  )
  .add(
    'discrimination',
    'group_hate',
    2,
    'GROUP ~1 ruin|ruins|ruined|ruining|destroy|destroys|invade|invades|infest|infests|steal|steals|replace|replacing|outbreed',
    {
      notBefore: 'NEG|my|our|say|says|said',
      notAfter: 'GAME|the_other|them|us|it|the_game|the_match|the_vibe',
    },
  )
  .add(
    'discrimination',
    'group_hate',
    2,
    'GROUP ~1 control|controls ~2 media|banks|platforms|platform|everything|world|government|money|hollywood|streaming|internet|twitch|youtube',
  )
  .add(
    'discrimination',
    'group_hate',
    2,
    'GROUP ~1 should|need_to|must|belong ~2 stick_to|stay_in|stay_at|stay ~2 kitchen|cooking|cleaning|home|sandwiches|making',
  )
  .add('discrimination', 'group_hate', 2, 'rather ~4 than ~2 GADJ ~1 MEMBER|PEOPLE')
  // Insults aimed at a person ("this mod is a spineless loser", "you have the brain of a potato")
  .add('hostility', 'insult', 2, 'YOU|PERSON|YOUR ~3 INSULT', {
    notBefore: 'love|luv|miss|thank|thanks|bless|like|with',
    notBetween: 'NEG',
    notAfter: 'THING|genius|legend|king|queen|goat|beast|god|lol|lmao',
  })
  .add('hostility', 'insult', 2, 'YOU|youre ~2 worst MEMBER|PERSON|PEOPLE|human|ever')
  .add('hostility', 'insult', 2, 'YOU|YOUR|PERSON ~2 disgrace|a_disgrace|an_embarrassment|embarrassment')
  .add('hostility', 'insult', 2, 'imagine ~4 INSULT')
  .add('hostility', 'insult', 2, 'nobody_asked|no_one_asked|noone_asked|who_asked', { notAfter: 'for|about|to|if' });

/** Emoji that make a remark suggestive: a sign that counts with another sexual one, never alone. */
const SUGGESTIVE = /[\u{1f60f}\u{1f608}\u{1f346}\u{1f4a6}\u{1f445}\u{1f351}\u{1f975}\u{1f924}]/u;

/** The compositional findings of a reading. */
export function findCompositional(r: ChatReading): Finding[] {
  const out = RULES.find(WORDS.units(r.words));
  if (SUGGESTIVE.test(r.folded)) out.push({ category: 'sexual', kind: 'suggestive_emoji', strength: 1 });
  return out;
}
