/**
 * Spam and scams in live chat, read from a comment's folded reading (`chat-reading.ts`):
 * giveaway and crypto "send 1 get 2" scams, "earn $X a day", off-platform contact (messengers,
 * handles, phone numbers in any spacing), impersonation of support or staff, prizes, bought
 * followers and viewers, and links: shortened, obfuscated ("bit . ly", "www dot x dot com",
 * "x[.]com") or on a domain that names a brand with "verify", "support" or "free". Written for the
 * phenomenon, not for a list of sentences: the innocent look-alikes ("who won the giveaway?",
 * "do you have a telegram channel?", "bitcoin price is crazy") carry no call to act.
 */
import type { Finding } from './automod.js';
import type { ChatReading } from './chat-reading.js';
import { any, gap, type PhraseRule, PhraseRules } from './phrase-rules.js';

const NUM = '[0-9]+(?:k|m)?(?: [0-9]{3})*';
const COIN = any(
  'btc',
  'bitcoin',
  'bitcoins',
  'eth',
  'ethereum',
  'usdt',
  'crypto',
  'coins?',
  'doge',
  'sol',
  'bnb',
  'xrp',
);
const MESSENGER = any(
  'telegram',
  'tg',
  'whatsapp',
  'whats app',
  'whatsap',
  'wa',
  'snap',
  'snapchat',
  'sc',
  'kik',
  'insta',
  'instagram',
  'ig',
  'discord',
  'signal',
  'wechat',
  'line',
  'skype',
  'cashapp',
  'cash app',
  'venmo',
  'onlyfans',
  'of',
);
const ME_VERB = any(
  'dm',
  'pm',
  'inbox',
  'message',
  'msg',
  'text',
  'contact',
  'add',
  'hit',
  'reach',
  'call',
  'write',
  'ask',
  'follow',
  'find',
  'join',
);
const FREEBIE = any(
  'robux',
  'vbucks',
  'v bucks',
  'skins?',
  'followers',
  'viewers',
  'views',
  'subs',
  'subscribers',
  'likes',
  'nitro',
  'gift ?cards?',
  'coins',
  'iphones?',
  'ps5',
  'btc',
  'bitcoin',
  'crypto',
  'money',
  'cash',
  'codes?',
  'gems',
  'diamonds',
  'rp',
  'primogems',
);
const PERIOD = any(
  'day',
  'daily',
  'a day',
  'week',
  'weekly',
  'month',
  'monthly',
  'hour',
  'hours',
  'hr',
  'per day',
  'per week',
);
const BRAND = any(
  'twitch',
  'youtube',
  'yt',
  'discord',
  'steam',
  'paypal',
  'amazon',
  'amzn',
  'binance',
  'coinbase',
  'tesla',
  'elon',
  'google',
  'apple',
  'microsoft',
  'nintendo',
  'epic',
  'roblox',
  'partner',
);
const ACCOUNT = any('account', 'channel', 'stream', 'profile', 'nitro', 'partnership', 'login', 'details');
const DOOM = any(
  'suspended',
  'terminated',
  'deleted',
  'banned',
  'locked',
  'limited',
  'flagged',
  'violated',
  'disabled',
  'removed',
  'closed',
  'selected',
);

const RULES: PhraseRule[] = [
  // "send 0.1 BTC and receive 0.2 back", "send 1 ETH get 2 ETH back", "double your coins"
  {
    pattern: `send${gap(3)} ${COIN}${gap(6)} ${any('get', 'receive', 'back', 'double', 'x2', 'return')}`,
    kind: 'crypto_scam',
    strength: 3,
  },
  {
    pattern: `${any('double', 'triple', '2x', '10x', 'x2', 'x10')} your ${any(COIN, 'money', 'investment', 'cash')}`,
    kind: 'crypto_scam',
    strength: 3,
  },
  {
    pattern: `${any('giving away', 'give away', 'giveaway', 'airdrop')}${gap(3)} ${NUM}${gap(1)} ${COIN}`,
    kind: 'crypto_scam',
    strength: 3,
  },
  {
    pattern: `${any('crypto', 'bitcoin', 'btc', 'eth', 'tesla', 'elon', 'binance', 'musk')}${gap(2)} ${any('giveaway', 'giving away', 'event live', 'airdrop')}`,
    kind: 'crypto_scam',
    strength: 3,
  },
  {
    pattern: `${any('send', 'cashapp', 'venmo', 'paypal')} me${gap(4)} ${any('send you double', 'double back', 'send you back double', 'get double')}`,
    kind: 'money_scam',
    strength: 3,
  },
  // "earn $300 per day", "make $5,000 a month", "I made $850 this week trading"
  {
    // An income claim is held alone ("i made 50 dollars this week from my lemonade stand"),
    // blocked with a call to act (`several_signs`).
    pattern: `${any('earn', 'earning', 'earned', 'make', 'making', 'made', 'profit', 'win', 'get paid')}${gap(4)} ${NUM}${gap(4)} ${PERIOD}`,
    kind: 'income_claim',
    strength: 2,
  },
  {
    pattern: `${any('turned', 'turn', 'invest', 'invested', 'put')}${gap(2)} ${NUM}${gap(3)} ${any('into', 'get', 'and got', 'receive', 'made')}${gap(2)} ${NUM}`,
    kind: 'money_scam',
    strength: 3,
  },
  {
    pattern: `${any('dm', 'pm', 'inbox', 'message', 'text', 'contact')} me${gap(2)} ${any('to earn', 'to make money', 'for profit', 'to invest', 'for the signals', 'for signals', 'for details', 'for investment')}`,
    kind: 'money_scam',
    strength: 3,
  },
  {
    pattern: `${any('make money', 'earn money', 'passive income', 'financial freedom', 'work from home', 'from home')}${gap(4)} ${any('dm', 'pm', 'inbox', 'message', 'contact', 'no experience', 'link', 'bio', 'profile', 'join')}`,
    kind: 'money_scam',
    strength: 3,
  },
  {
    pattern: `${any('guaranteed', 'guarantee')}${gap(1)} ${any('profit', 'profits', 'returns', 'income', 'win')}|${NUM} ${any('win rate', 'accuracy', 'daily profit', 'returns', 'profit')}`,
    kind: 'money_scam',
    strength: 3,
  },
  {
    pattern: `${any('forex', 'crypto', 'trading', 'investment', 'binary')} ${any('signals', 'signal group', 'group', 'tips', 'mentor', 'expert')}`,
    kind: 'money_scam',
    strength: 2,
  },
  {
    pattern: `${any('sugar daddy', 'sugar baby', 'hot singles', 'lonely girls', 'single girls')}`,
    kind: 'lure',
    strength: 3,
  },
  // Off-platform contact: "whatsapp me", "add me on snap", "contact me on telegram", "tg: @x"
  {
    pattern: `${ME_VERB} ${any('me', 'us')}${gap(1)} ${any('on', 'at', 'via', 'in')} ${MESSENGER}`,
    kind: 'contact',
    strength: 3,
  },
  // "whatsapp me", not "in front of me" ("of" is OnlyFans only after a verb).
  {
    pattern: `${any('telegram', 'whatsapp', 'whats app', 'snapchat', 'snap', 'kik', 'insta', 'instagram', 'discord', 'wechat', 'skype', 'cashapp', 'venmo')} me`,
    kind: 'contact',
    strength: 3,
  },
  { pattern: `${any('my', 'our')} ${MESSENGER} ${any('is', 'id', 'name')}`, kind: 'contact', strength: 3 },
  // Free stuff: "free robux", "first 100 people to DM me get a free iPhone"
  { pattern: `free ${FREEBIE}`, kind: 'freebie', strength: 2 },
  {
    // "first 10 people in chat get a shoutout" is a streamer's game: a sign only beside another.
    pattern: `${any('first', 'top')} ${NUM} ${any('people', 'viewers', 'persons', 'users')}${gap(3)} ${any('dm', 'message', 'claim', 'win', 'get', 'to')}`,
    kind: 'first_n',
    strength: 1,
  },
  {
    pattern: `${any('you have', 'youve', 'you ve', 'you')}${gap(1)} ${any('been selected', 'won', 'are selected', 'are our winner', 'are the winner')}`,
    kind: 'prize',
    strength: 3,
  },
  {
    pattern: `${any('lucky winner', 'claim your prize', 'claim your reward', 'claim it now', 'claim now', 'claim here', 'claim at')}`,
    kind: 'prize',
    strength: 3,
  },
  // Promotion: bought followers, "check my channel", "link in bio"
  {
    pattern: `${any('buy', 'cheap', 'get', 'real', 'gain', 'more')}${gap(1)} ${any('followers', 'viewers', 'views', 'subs', 'subscribers', 'likes')}${gap(4)} ${any('at', 'dm', 'price', 'prices', 'cheap', 'check', 'visit', 'link', 'here', 'bio')}`,
    kind: 'promotion',
    strength: 3,
  },
  {
    pattern: `${any('buy', 'cheap')} ${any('followers', 'viewers', 'views', 'subs', 'subscribers', 'likes')}`,
    kind: 'promotion',
    strength: 3,
  },
  {
    pattern: `${any('promote', 'grow', 'boost', 'promotion for')} your ${any('stream', 'channel', 'account', 'twitch')}|${any('make', 'go')} your ${any('stream', 'channel')} ${any('go viral', 'viral', 'grow')}`,
    kind: 'promotion',
    strength: 3,
  },
  {
    pattern: `${any('check', 'visit', 'click', 'see')} ${any('my', 'out my')} ${any('channel', 'profile', 'bio', 'page', 'link')}|${any('link', 'links', 'info')} in ${any('my bio', 'bio', 'my profile', 'profile')}|in my bio`,
    kind: 'promotion',
    strength: 2,
  },
  {
    pattern: `${any('want', 'wanna', 'need')} ${any('more viewers', 'more followers', 'to grow', 'viewers', 'followers')}`,
    kind: 'promotion',
    strength: 2,
  },
  // Impersonation of support or staff
  {
    pattern: `${BRAND}${gap(1)} ${any('support', 'team', 'staff', 'trust and safety', 'safety team', 'admin', 'admins', 'moderator', 'security', 'partner program', 'official')}${gap(12)} ${any(DOOM, 'verify', 'confirm', 'appeal', 'login', 'log in', 'password', 'details')}`,
    kind: 'impersonation',
    strength: 3,
  },
  {
    pattern: `${any('support team', 'staff team', 'safety team', 'security team', 'partner program', 'from the staff', 'trust and safety')}${gap(10)} ${any(DOOM, 'verify', 'confirm', 'password', 'login')}`,
    kind: 'impersonation',
    strength: 3,
  },
  {
    pattern: `your ${ACCOUNT}${gap(4)} ${any('will be', 'has been', 'is', 'are', 'have been', 'was')}${gap(1)} ${DOOM}`,
    kind: 'impersonation',
    strength: 3,
  },
  {
    pattern: `${any('verify', 'confirm')} ${any('your identity', 'your account', 'your login', 'your details', 'now', 'here', 'at')}|${any('send', 'give', 'dm', 'tell')} me your ${any('email', 'password', 'login', 'details', 'credentials', 'card', 'code')}`,
    kind: 'impersonation',
    strength: 3,
  },
];

RULES.push(
  // "sub4sub", "sub 4 sub", "follow for follow", "l4l"
  {
    pattern: `${any('sub', 'subs', 'follow', 'like', 'view')} ?${any('4', 'for', '2', 'a', 'x')} ?${any('sub', 'subs', 'follow', 'like', 'view')}|${any('subasub', 'f4f', 'l4l', 's4s', 'followforfollow', 'likeforlike', 'subforsub')}`,
    kind: 'promotion',
    strength: 3,
  },
  // "invest $200 and withdraw $4,000", "40% weekly", "manage your funds", "pump group 50x"
  {
    pattern: `${any('invest', 'investing', 'deposit', 'put in', 'start with')}${gap(2)} ${NUM}${gap(8)} ${any('withdraw', 'get', 'receive', 'earn', 'make', 'profit', 'return', 'cash out', 'payout')}${gap(2)} ${NUM}`,
    kind: 'money_scam',
    strength: 3,
  },
  {
    pattern: `${NUM} ${any('percent', 'per cent', '')}${gap(1)} ${any('daily', 'weekly', 'monthly', 'a day', 'a week', 'per day', 'per week', 'every day', 'every week', 'roi', 'returns', 'return', 'profit', 'guaranteed')}`,
    kind: 'money_scam',
    strength: 2,
  },
  {
    pattern: `${any('manage your', 'trade for you', 'account manager', 'certified trader', 'certified broker', 'investment manager', 'trading expert', 'pump group', 'pump and dump', 'presale', 'pre sale', 'memecoin', 'meme coin', 'new coin', 'contract address', 'to the moon')}|${any('50x', '100x', '1000x', '20x')}${gap(1)} ${any('guaranteed', 'gains', 'coin', 'token', 'soon')}`,
    kind: 'money_scam',
    strength: 2,
  },
  // "giving 3 ETH to everyone who sends 1 ETH", "send to the wallet in the pinned message"
  {
    pattern: `${any('giving', 'give', 'gives', 'sending', 'send back', 'return')}${gap(2)} ${NUM}${gap(1)} ${COIN}${gap(6)} ${any('send', 'sends', 'sending', 'deposit')}${gap(2)} ${NUM}${gap(1)} ${COIN}|${any('send', 'deposit', 'sent')}${gap(4)} ${any('wallet', 'address')} ${any('in the pinned', 'pinned', 'below', 'in bio', 'in my bio', 'in description', 'in my profile', 'on my profile', 'today')}|${COIN}${gap(2)} ${any('doubler', 'doubling', 'multiplier', 'generator')}|${any('doubling', 'doubles', 'will double', 'tripling')}${gap(3)} ${COIN}|contract${gap(1)} ${any('in bio', 'in my bio', 'address', 'below', 'pinned')}`,
    kind: 'crypto_scam',
    strength: 3,
  },
  // "50 dollars per hour", "500 USD per week": pay by the hour from a stranger
  {
    pattern: `${NUM}${gap(1)} ${any('dollars', 'usd', 'euros', 'eur', 'bucks', 'k', 'pounds', 'gbp')} ${any('per', 'a', 'an', 'each', 'every')} ${any('hour', 'day', 'week', 'month', 'hr')}`,
    kind: 'income_claim',
    strength: 2,
  },
  {
    pattern: `${any('earn', 'earning', 'make', 'making', 'made', 'get paid')}${gap(8)} ${NUM}${gap(3)} ${any('per', 'a', 'an', 'each', 'every', 'in')} ${any('hour', 'day', 'week', 'month', 'hr', 'days', 'hours')}`,
    kind: 'income_claim',
    strength: 2,
  },
  // A call to act: nothing alone, a scam beside an income claim or another sign.
  {
    pattern: `${any('dm me', 'pm me', 'msg me', 'message me', 'text me', 'inbox me', 'ask me how', 'link in bio', 'check my bio', 'in my bio', 'in my profile', 'no experience', 'from home', 'from your phone', 'join my', 'my mentor', 'this method', 'this app', 'this bot', 'trading bot', 'contact me', 'dm for', 'for details')}`,
    kind: 'call_to_act',
    strength: 1,
  },
  // Recovery scams: "I recovered my lost crypto thanks to @hackerpro, contact him"
  {
    pattern: `${any('recover', 'recovered', 'recovery', 'retrieve', 'retrieved', 'got back')}${gap(3)} ${any('crypto', 'bitcoin', 'btc', 'funds', 'wallet', 'money', 'account', 'coins')}${gap(4)} ${any('thanks to', 'contact', 'reach', 'hacker', 'dm', 'message', 'whatsapp', 'telegram', 'you')}|${any('hacker', 'recovery expert', 'recovery agent')}${gap(3)} ${any('contact', 'dm', 'message', 'reach', 'helped me', 'recovered')}`,
    kind: 'recovery_scam',
    strength: 3,
  },
  // Gift cards and bought goods: "steam gift cards for anyone who follows", "cheapest gift cards"
  {
    pattern: `${any('gift card', 'gift cards', 'giftcard', 'giftcards', 'gift codes', 'nitro codes')}${gap(4)} ${any('for anyone', 'for everyone', 'who follows', 'follow', 'dm', 'cheap', 'cheapest', 'free', 'limited', 'first', 'giveaway', 'claim', 'link', 'bio')}|${any('cheap', 'cheapest', 'free', 'discount')}${gap(1)} ${any('gift card', 'gift cards', 'giftcards', 'gift codes', 'nitro')}`,
    kind: 'freebie',
    strength: 3,
  },
  {
    pattern: `${any('follow', 'follows', 'check out', 'visit', 'sub to')} my ${any('page', 'channel', 'profile', 'account', 'stream')}`,
    kind: 'promotion',
    strength: 2,
  },
  {
    pattern: `${any('add', 'follow', 'hmu on', 'message', 'dm')} ${any('my', 'me on', 'me at')} ${MESSENGER}|${any('follow back', 'followback', 'sub back', 'subback', 'i follow back', 'ill follow back', 'i sub back', 'ill sub back')}`,
    kind: 'contact',
    strength: 3,
  },
  {
    pattern: `${any('hmu', 'hit me up', 'holla', 'reach me', 'find me')}${gap(1)} ${any('on', 'at', 'via')} ${any(MESSENGER, 'tele', 'telegrm', 'whatsap', 'wapp')}`,
    kind: 'contact',
    strength: 3,
  },
  // Fake support: "your stream key was compromised, reply with your email"
  {
    pattern: `${any('compromised', 'hacked', 'at risk', 'expire', 'expired', 'expiring', 'under review', 'reported', 'copyright strike', 'strike')}${gap(8)} ${any('reply', 'send', 'dm', 'email', 'verify', 'confirm', 'secure', 'click', 'log in', 'login')}`,
    kind: 'impersonation',
    strength: 2,
  },
  {
    pattern: `${BRAND}${gap(1)} ${any('support', 'team', 'staff', 'security', 'admin', 'official')}${gap(1)} ${any('here', 'speaking', 'notice', 'alert', 'warning')}`,
    kind: 'impersonation',
    strength: 3,
  },
);

const rules = new PhraseRules('spam', RULES);

/** Link shorteners: a link behind one hides where it goes. */
const SHORTENERS = new Set([
  'bit ly',
  'bitly',
  'tinyurl',
  'tiny url',
  'goo gl',
  'cutt ly',
  'is gd',
  'rb gy',
  'shorturl',
  'ow ly',
  't me',
  'wa me',
  'linktr ee',
  'rebrand ly',
  'bl ink',
  'shorte st',
  'adf ly',
]);
/** Top-level domains mostly used by throwaway scam sites. */
const CHEAP_TLD = new Set([
  'xyz',
  'top',
  'click',
  'online',
  'site',
  'live',
  'club',
  'info',
  'ru',
  'tk',
  'ml',
  'ga',
  'cf',
  'gq',
  'shop',
  'store',
  'icu',
  'buzz',
  'link',
  'biz',
  'cc',
  'vip',
  'win',
  'bid',
  'loan',
  'work',
  'fun',
]);
/** Top-level domains recognised in "name dot tld" and "name . tld" spellings. */
const TLD = new Set([
  ...CHEAP_TLD,
  'net',
  'io',
  'com',
  'org',
  'gg',
  'tv',
  'me',
  'co',
  'ly',
  'be',
  'to',
  'uk',
  'us',
  'de',
  'app',
  'dev',
  'fm',
  'in',
]);

/** What the links of a comment (read on its folded text and its reading) say of spam. */
function linkFindings(r: ChatReading): Finding[] {
  const out: Finding[] = [];
  const lower = r.folded;
  // Obfuscation: "x dot com", "bit . ly", "x[.]com", "hxxp".
  const w = r.words;
  for (let i = 1; i + 1 < w.length; i++) {
    if (w[i] === 'dot' && TLD.has(w[i + 1]!) && /^[a-z0-9]+$/.test(w[i - 1]!)) {
      out.push({ category: 'spam', kind: 'hidden_link', strength: 3 });
      break;
    }
  }
  if (
    out.length === 0 &&
    (lower.includes('[.]') || lower.includes('(.)') || lower.includes('hxxp') || spacedDot(lower))
  )
    out.push({ category: 'spam', kind: 'hidden_link', strength: 3 });
  // Shorteners, cheap domains, brand + lure domains (on the folded reading's words).
  const text = ` ${r.text} `;
  for (const s of SHORTENERS)
    if (text.includes(` ${s} `)) {
      out.push({ category: 'spam', kind: 'short_link', strength: 2 });
      break;
    }
  for (const host of hosts(lower)) {
    const parts = host.split('.');
    const tld = parts[parts.length - 1]!;
    const name = parts.slice(0, -1).join('.');
    const brandy =
      /(twitch|youtube|yt|discord|steam|paypal|amazon|amzn|binance|coinbase|tesla|elon|nitro|robux|rbx|vbucks|skin|gift|prize|promo)/.test(
        name,
      );
    const lure =
      /(verify|support|secure|login|appeal|copyright|free|gift|promo|claim|prize|x2|double|bonus|reward|center|help|viewers|followers|boost|cheap)/.test(
        name,
      );
    if (brandy && lure) out.push({ category: 'spam', kind: 'fake_site', strength: 3 });
    else if (lure && name.includes('-')) out.push({ category: 'spam', kind: 'fake_site', strength: 3 });
    else if (CHEAP_TLD.has(tld) && (lure || brandy)) out.push({ category: 'spam', kind: 'fake_site', strength: 3 });
    else if (CHEAP_TLD.has(tld)) out.push({ category: 'spam', kind: 'cheap_domain', strength: 2 });
  }
  return out;
}

/** "bit . ly", "www . x . com": a dot with spaces round it between two words, then a TLD. */
function spacedDot(lower: string): boolean {
  const words = lower.split(/\s+/);
  for (let i = 1; i + 1 < words.length; i++) {
    if (words[i] !== '.') continue;
    const next = words[i + 1]!.split(/[/?#]/)[0]!;
    if (TLD.has(next) || SHORTENERS.has(`${words[i - 1]} ${next}`) || words[i - 1] === 'www') return true;
  }
  return false;
}

/** Host names of plain links (`x.com`, `https://x.com/...`), lower case, without `www.`. */
function hosts(lower: string): string[] {
  const out: string[] = [];
  for (const token of lower.split(/\s+/)) {
    if (!token.includes('.') || token.length > 300) continue;
    const host = token
      .replace(/^[^a-z0-9]+/, '')
      .replace(/^https?:\/\//, '')
      .replace(/^www\./, '')
      .split(/[/?#:]/)[0]!
      .replace(/[^a-z0-9.-]+$/, '');
    const labels = host.split('.');
    if (labels.length < 2 || labels.some((l) => !/^[a-z0-9-]{1,63}$/.test(l))) continue;
    if (!TLD.has(labels[labels.length - 1]!) && !/^[a-z]{2,3}$/.test(labels[labels.length - 1]!)) continue;
    out.push(host);
  }
  return out;
}

/** Off-platform contact: a phone number (9 or more digits in any spacing), a handle after a messenger. */
function contactFindings(raw: string, r: ChatReading): Finding[] {
  const out: Finding[] = [];
  let digits = 0;
  let most = 0;
  for (const c of raw) {
    if (c >= '0' && c <= '9') digits++;
    else if (!' -.()+/'.includes(c)) digits = 0;
    if (digits > most) most = digits;
  }
  if (most >= 9) out.push({ category: 'spam', kind: 'phone_number', strength: 2 });
  if (
    r.handles > 0 &&
    /(?:^| )(?:telegram|tg|whatsapp|snap|snapchat|kik|insta|instagram|ig|discord|signal|wechat|onlyfans)(?: |$)/.test(
      r.text,
    )
  )
    out.push({ category: 'spam', kind: 'contact', strength: 3 });
  if (/(?:^| )(?:discord|tg|telegram|kik|snap|snapchat|insta|ig) (?:is |id )?[a-z]*[0-9]{2,}(?: |$)/.test(r.text))
    out.push({ category: 'spam', kind: 'contact', strength: 3 });
  return out;
}

/** In a word spelled out letter by letter ("f r e e v i e w e r s a t x d o t c o m"): a link or a freebie. */
const SPELLED =
  /dot(?:com|net|org|xyz|io|gg|tv|ru|me|ly)|free(?:robux|vbucks|viewers|followers|nitro|skins|money|crypto|subs)/;

/** Spam spelled out with spaces between the letters, read in the glued tokens. */
function spelledFindings(r: ChatReading): Finding[] {
  for (const t of r.glued)
    if (t.length >= 8 && SPELLED.test(t)) return [{ category: 'spam', kind: 'hidden_link', strength: 3 }];
  return [];
}

/** Follow-for-follow written with digits ("f4f", "sub4sub"), read on the folded text: the reading makes "4" a letter. */
const FOR_FOLLOW = /(?:^|[^a-z0-9])(?:f4f|l4l|s4s|sub4sub|subs4subs|follow4follow|like4like|view4view)(?![a-z0-9])/;
/** "100x", "50x" beside a coin word: a pump. */
const MULTIPLIER = /(?:^|\s)[0-9]{2,5}x(?![a-z0-9])/;
const PUMP = /(?:^| )(?:token|coin|coins|presale|launch|launching|gains|potential|guaranteed|pump|moon)(?: |$)/;

function digitFindings(r: ChatReading): Finding[] {
  const out: Finding[] = [];
  if (FOR_FOLLOW.test(r.folded)) out.push({ category: 'spam', kind: 'promotion', strength: 3 });
  if (MULTIPLIER.test(r.folded) && PUMP.test(r.text)) out.push({ category: 'spam', kind: 'crypto_scam', strength: 3 });
  return out;
}

/** The spam findings of a comment: phrases, links, contact. */
export function findSpam(raw: string, r: ChatReading): Finding[] {
  return [
    ...rules.find(r.text),
    ...linkFindings(r),
    ...contactFindings(raw, r),
    ...spelledFindings(r),
    ...digitFindings(r),
  ];
}
