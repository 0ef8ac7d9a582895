/**
 * Chat-structure cues for the classifiers: what spam of any year shares while its words change
 * with the year. A 2015 spammer wrote "check out my channel", a 2025 one "DM me on telegram to
 * earn $500 a day"; both promote themselves, ask the reader to act, and point away from the
 * chat. A model that learns these few cues beside the n-grams generalises to spam it never saw
 * (leave-one-video-out in README, "Quality"). Read from the words of the cleaned, folded text,
 * one pass, a few set lookups per word.
 */

/** What the writer promotes after "my" / "our" (within two words: "my new channel"). */
const OWN_THINGS = new Set(
  'channel chanel channels video videos vid vids music song songs page blog site website account profile stream streams playlist cover covers album mixtape band art instagram insta ig twitter facebook fb youtube yt tiktok snapchat snap server discord shop store app game book movie film track tracks beats rap raps vlog vlogs content shorts link bio'.split(
    ' ',
  ),
);
/** The owners that make a thing self-promotion. */
const OWNERS = new Set(['my', 'our', 'mine']);

/** Calls to act on their own ("subscribe", "sub4sub"). */
const CALLS = new Set(
  'subscribe subscribed subscribing subscriber subscribers subscription sub subs sub4sub subforsub follow follows following followers visit click download join share support donate register signup promote'.split(
    ' ',
  ),
);
/**
 * Verbs that call to act when the next word is one of `CALL_OBJECTS`, or the one after is "out"
 * ("check out", "watch my", "check it out"; not "check the views", which is what fans do).
 */
const CALL_VERBS = new Set(
  'check watch listen look go come help give hit search text message dm contact tap leave see visit'.split(' '),
);
const CALL_OBJECTS = new Set('out my our me us'.split(' '));

/** Money and prizes. */
const MONEY = new Set(
  'money cash earn earned earning earnings paid pay payment payout free win winner winners won giveaway gift gifts bitcoin btc crypto eth usdt profit profits income dollars dollar prize invest investment investing trading trader forex loan cheap discount offer bonus reward rewards rich $ € £'.split(
    ' ',
  ),
);
/** Off-platform contact. */
const CONTACT = new Set(
  'telegram whatsapp whatsap watsapp wa signal kik dm dms inbox email mail gmail hotmail yahoo snapchat contact call text skype wechat line'.split(
    ' ',
  ),
);
/** Asking for likes: "like this comment", "thumbs up if", "give it a like". */
const BAIT_NEXT = new Map([
  ['like', new Set(['if', 'for'])],
  ['likes', new Set(['if', 'for'])],
  ['thumbs', new Set(['up'])],
]);
/** What "like this" / "like my" asks for when it is bait ("like this comment", not "I like this song"). */
const BAIT_OBJECTS = new Set(['comment', 'comments', 'post']);
/** Pleading. */
const PLEAS = new Set('please pls plz plzz plss pleas pleasee'.split(' '));

/** A cue by name, counted `by` (names are hashed by the caller). */
export type CueSink = (name: string) => void;

/**
 * Calls `cue` with the structure cues of a cleaned text (`preprocess`: lower case, links read as
 * `urltoken host`) and its words. Each cue is given at most once, except a TLD once per link.
 */
export function structureCues(text: string, words: readonly string[], cue: CueSink): void {
  // Each link's top-level domain: "urltoken bit.ly" gives `tld:ly`.
  for (let at = text.indexOf('urltoken '); at >= 0; at = text.indexOf('urltoken ', at + 9)) {
    let end = text.indexOf(' ', at + 9);
    if (end < 0) end = text.length;
    const dot = text.lastIndexOf('.', end);
    if (dot > at + 9 && end - dot <= 12) cue(`tld:${text.slice(dot + 1, end)}`);
  }
  let own = false;
  let call = false;
  let money = false;
  let contact = false;
  let plea = false;
  let number = false;
  let bait = false;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!own && OWNERS.has(w)) {
      const a = words[i + 1];
      const b = words[i + 2];
      own = (a !== undefined && OWN_THINGS.has(a)) || (b !== undefined && OWN_THINGS.has(b));
    }
    if (!call)
      call = CALLS.has(w) || (CALL_VERBS.has(w) && (CALL_OBJECTS.has(words[i + 1] ?? '') || words[i + 2] === 'out'));
    if (!bait)
      bait =
        BAIT_NEXT.get(w)?.has(words[i + 1] ?? '') === true || (w === 'like' && BAIT_OBJECTS.has(words[i + 2] ?? ''));
    if (!money) money = MONEY.has(w);
    if (!contact) contact = CONTACT.has(w);
    if (!plea) plea = PLEAS.has(w);
    if (!number) number = w.length >= 7 && isDigits(w);
  }
  if (own) cue('own');
  if (call) cue('call');
  if (own && call) cue('own+call');
  if (money) cue('money');
  if (contact) cue('contact');
  if (plea) cue('plea');
  if (bait) cue('bait');
  if (number) cue('number');
}

function isDigits(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
