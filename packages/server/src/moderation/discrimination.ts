/**
 * Discrimination: slurs in any disguise, and hate against a group beyond the templates of
 * `identity.ts`. Slurs are looked up word by word in a comment's glued reading
 * (`chat-reading.ts`: leetspeak, separators, spacing, look-alikes and stretching undone), with
 * plural and compound forms; a slur is held or blocked, never only masked. Innocent look-alikes
 * are kept by reading whole words ("Niger", "Scunthorpe", "spicy", "raccoon", "Pakistan") and by
 * the few idioms that contain one ("chink in the armour", "coon hound").
 */
import type { Finding, Strength } from './automod.js';
import type { ChatReading } from './chat-reading.js';
import { any, gap, type PhraseRule, PhraseRules } from './phrase-rules.js';

/** Slurs, by how sure a word alone is (2: also a word of ordinary use, or reclaimed in some communities). */
const SLURS: Record<string, Strength> = {
  nigger: 3,
  nigga: 2,
  niglet: 3,
  nigglet: 3,
  negro: 2,
  faggot: 3,
  fag: 2,
  kike: 3,
  chink: 3,
  spic: 3,
  spick: 3,
  tranny: 3,
  troon: 3,
  shemale: 3,
  wetback: 3,
  beaner: 3,
  towelhead: 3,
  raghead: 3,
  sandnigger: 3,
  gook: 3,
  zipperhead: 3,
  coon: 2,
  jigaboo: 3,
  porchmonkey: 3,
  dyke: 2,
  paki: 3,
  pajeet: 3,
  retard: 2,
  retarded: 2,
  tard: 2,
  kaffir: 3,
  golliwog: 3,
  gyppo: 3,
  pikey: 3,
  wop: 2,
  dago: 2,
  heeb: 3,
  hymie: 3,
  yid: 2,
  gringo: 1,
  cracker: 1,
  spastic: 2,
  spaz: 2,
  mongoloid: 2,
  lesbo: 2,
  homo: 2,
  muzzie: 3,
  muzzies: 3,
  muzrat: 3,
  shitskin: 3,
  darkie: 3,
  darky: 3,
  wigger: 3,
  chingchong: 3,
};
/** Stems that make a word a slur wherever they sit in it (compounds, plurals, "-s", "-z", "-er"). */
const STEMS: [string, Strength][] = [
  ['nigg', 3],
  ['fagg', 3],
];
/** Words that follow a slur-like word in an innocent idiom or name. */
const INNOCENT_NEXT: Record<string, string[]> = {
  chink: ['in', 'of'],
  coon: ['hound', 'hounds', 'dog', 'cat', 'cats', 'dogs', 'skin'],
  cracker: ['barrel', 'jack', 'jacks', 'box'],
  homo: ['sapiens', 'erectus'],
  retard: ['the', 'fire', 'growth'],
};

const LATIN_WORD = /^[a-z]+$/;

/** Squeezes every run of one letter to one (`niggger` and `nigger` both read `niger`). */
function squeeze(word: string): string {
  let out = '';
  for (const c of word) if (c !== out[out.length - 1]) out += c;
  return out;
}

// Maps, not the objects: a word such as "constructor" must not find an inherited property.
const SLUR = new Map(Object.entries(SLURS));
const INNOCENT = new Map(Object.entries(INNOCENT_NEXT));
const SQUEEZED = new Map<string, Strength>();
for (const [w, s] of SLUR) if (squeeze(w) !== w) SQUEEZED.set(squeeze(w), s);

/** A word's slur: its strength and the form found (the word, its plural, its squeezed form), or none. */
function slurOf(word: string): { strength: Strength; form: string } | undefined {
  // Slurs are Latin words once folded: anything else (another script, digits) is skipped at once.
  if (word.length < 3 || word.length > 40 || !LATIN_WORD.test(word)) return undefined;
  const forms = [word, word.replace(/(?:es|s|z)$/, ''), word.replace(/(?:ed|s)$/, ''), word.replace(/ies$/, 'y')];
  for (const f of forms) {
    const s = SLUR.get(f) ?? (squeeze(f) !== f ? SQUEEZED.get(squeeze(f)) : undefined);
    if (s) return { strength: s, form: f };
  }
  for (const [stem, s] of STEMS) {
    const at = word.indexOf(stem);
    // "snigger" is a word: a stem after an "s" that starts the word is not counted.
    if (at >= 0 && !(stem === 'nigg' && at > 0 && word[at - 1] === 's')) return { strength: s, form: '' };
  }
  return undefined;
}

/** Words already read (chat repeats its words): a bounded memo of `slurOf`, emptied when full. */
const READ = new Map<string, { strength: Strength; form: string } | null>();
const READ_MAX = 20_000;

/** A word's slur strength, or 0: the word, its plural, its squeezed form (only for stretched words). */
function slurStrength(word: string, next: string | undefined): Strength | 0 {
  let slur = READ.get(word);
  if (slur === undefined) {
    if (READ.size >= READ_MAX) READ.clear();
    slur = slurOf(word) ?? null;
    READ.set(word, slur);
  }
  if (slur === null) return 0;
  return INNOCENT.get(slur.form)?.includes(next ?? '') ? 0 : slur.strength;
}

const GROUP = any(
  'muslims',
  'moslems',
  'islam',
  'jews',
  'jewish people',
  'christians',
  'hindus',
  'sikhs',
  'blacks',
  'black people',
  'arabs',
  'africans',
  'asians',
  'mexicans',
  'latinos',
  'immigrants',
  'migrants',
  'refugees',
  'foreigners',
  'gypsies',
  'roma',
  'gays',
  'gay people',
  'lesbians',
  'homosexuals',
  'trans people',
  'trans women',
  'trans men',
  'transgenders',
  'women',
  'woman',
  'females',
  'girls',
  'chinese',
  'chinese people',
  'indians',
  'pakistanis',
  'disabled people',
  'autistic people',
  'white people',
  'whites',
  'these people',
  'those people',
);
const NEG = any(
  'plague',
  'a plague',
  'cancer',
  'a cancer',
  'disease',
  'a disease',
  'vermin',
  'parasites',
  'animals',
  'apes',
  'monkeys',
  'subhuman',
  'sub human',
  'inferior',
  'genetically inferior',
  'mentally ill',
  'sick',
  'freaks',
  'an abomination',
  'abomination',
  'disgusting',
  'filth',
  'filthy',
  'scum',
  'terrorists',
  'rapists',
  'criminals',
  'thieves',
  'all thieves',
  'pedos',
  'groomers',
  'pedophiles',
  'degenerates',
  'evil',
  'the problem',
  'a problem',
  'not human',
  'less than human',
  'trash',
  'garbage',
  'invaders',
);
/** Not a group named in reported speech ("people say immigrants are criminals, which is false"). */
const NOT_QUOTED = `(?<!${any('say', 'says', 'said', 'claim', 'claims', 'think', 'thinks', 'believe')} )`;
const HATE: PhraseRule[] = [
  { pattern: `${NOT_QUOTED}${GROUP} ${any('are', 'r', 'is')}${gap(3)} ${NEG}`, kind: 'group_hate', strength: 2 },
  {
    pattern: `${NOT_QUOTED}${GROUP} ${any('are', 'r', 'is')} ${any('ruining', 'destroying', 'invading', 'poisoning', 'replacing')}`,
    kind: 'group_hate',
    strength: 2,
  },
  {
    pattern: `${NOT_QUOTED}${GROUP} ${any('control', 'controls', 'run', 'runs', 'own', 'owns')} ${any('the media', 'the banks', 'everything', 'the world', 'hollywood', 'the government', 'the money')}`,
    kind: 'group_hate',
    strength: 2,
  },
  {
    pattern: `${NOT_QUOTED}${GROUP} ${any('belong in the kitchen', 'belong in a kitchen', 'belongs in the kitchen', 'commit all the crime', 'commit most crime', 'cant play', 'cant drive', 'cant think')}|${any('women', 'girls', 'females')} ${any('belong', 'should stay')}${gap(2)} kitchen`,
    kind: 'group_hate',
    strength: 2,
  },
  {
    pattern: `${NOT_QUOTED}${GROUP} ${any('are', 'r', 'is')} too ${any('dumb', 'stupid', 'emotional', 'weak')}`,
    kind: 'group_hate',
    strength: 2,
  },
  {
    pattern: `${NOT_QUOTED}${GROUP} ${any('should', 'must', 'need to', 'deserve to', 'ought to')}${gap(1)} ${any('not be allowed', 'not exist', 'not vote', 'be put in camps', 'be gassed', 'be shot', 'be killed', 'die', 'be deported', 'be banned', 'be locked up', 'be sterilized', 'not have rights', 'be exterminated', 'go back')}`,
    kind: 'group_hate',
    strength: 3,
  },
  {
    pattern: `${any('gas', 'deport', 'kill', 'exterminate', 'ban', 'get rid of', 'send back', 'kick out', 'lock up')}${gap(5)} ${any('muslims', 'jews', 'blacks', 'immigrants', 'migrants', 'refugees', 'mexicans', 'gays', 'trans people', 'arabs', 'africans', 'gypsies', 'foreigners', 'asians', 'indians', 'pakistanis', 'chinese')}`,
    kind: 'group_hate',
    strength: 3,
  },
  {
    pattern: `${any('send them', 'send em', 'ship them')}${gap(1)} back to ${any('africa', 'mexico', 'asia', 'china', 'india', 'pakistan', 'their country', 'where they came from', 'the jungle', 'the desert')}`,
    kind: 'group_hate',
    strength: 3,
  },
  {
    // Two-word slurs.
    pattern: `${any('shit skin', 'sand nigger', 'camel jockey', 'sand monkey', 'porch monkey', 'jungle bunny', 'cotton picker', 'towel head', 'rag head', 'slant eyes', 'ching chong', 'dune coon')}`,
    kind: 'slur',
    strength: 3,
  },
  {
    pattern: `${any('hitler was right', 'heil hitler', 'gas the', '1488', 'white power', 'white pride worldwide', 'sieg heil', 'six million wasnt enough', 'holocaust never happened')}`,
    kind: 'group_hate',
    strength: 3,
  },
];
const hate = new PhraseRules('discrimination', HATE);

/** Slurs and group hate in a reading. */
export function findDiscrimination(r: ChatReading): Finding[] {
  const out: Finding[] = [];
  let top: Strength | 0 = 0;
  for (const list of [r.words, r.glued])
    for (let i = 0; i < list.length; i++) {
      const s = slurStrength(list[i]!, list[i + 1]);
      if (s > top) top = s;
    }
  if (top > 0) out.push({ category: 'discrimination', kind: 'slur', strength: top as Strength });
  out.push(...hate.find(r.text));
  return out;
}
