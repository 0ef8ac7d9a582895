/**
 * Compositional rules over a reading's words (`chat-reading.ts`), without regular expressions:
 * each word (or a phrase of up to three words, "going to", "where you live") is looked up once
 * in a lexicon of word classes (`you`, `INTENT`, `HARM`, ...), and a rule is a sequence of
 * classes or words with bounded gaps ("INTENT ~3 HARM ~3 YOU": an intent, at most three words,
 * a harm verb, at most three words, a target). So a rule written once covers every combination
 * of its lexicons ("imma stab u", "we will hurt your kids", "someones gonna shoot this streamer")
 * instead of the sentences it was written from.
 *
 * Matching costs a constant per word and rule step, whatever the text: for each rule, the
 * latest word where each prefix of its steps ended is kept (the latest end leaves the most room
 * for the next gap, so it is the only one worth keeping), and updated once per word. `work`
 * counts those updates, so tests bound the work rather than the clock.
 */
import type { Finding, Strength } from './automod.js';

/** A lexicon: words and phrases (words joined by single spaces) to their class bits. */
export class Lexicon {
  private readonly classes = new Map<string, number>();
  private readonly bits = new Map<string, number>();
  /** First words of phrases, with the longest phrase length starting there. */
  private readonly phraseStarts = new Map<string, number>();

  /** Adds words or phrases to a class (created on first use, at most 31 classes). */
  add(name: string, entries: readonly string[]): this {
    let bit = this.classes.get(name);
    if (bit === undefined) {
      if (this.classes.size >= 31) throw new Error('a lexicon holds at most 31 classes');
      bit = 1 << this.classes.size;
      this.classes.set(name, bit);
    }
    for (const entry of entries) {
      this.bits.set(entry, (this.bits.get(entry) ?? 0) | bit);
      const words = entry.split(' ');
      if (words.length > 1) {
        if (words.length > 3) throw new Error(`a phrase of more than three words: ${entry}`);
        const first = words[0]!;
        this.phraseStarts.set(first, Math.max(this.phraseStarts.get(first) ?? 1, words.length));
      }
    }
    return this;
  }

  /** The bit of a class, or throws (a rule names a class that does not exist). */
  classBit(name: string): number {
    if (name === 'NUM') return NUMBER;
    const bit = this.classes.get(name);
    if (bit === undefined) throw new Error(`no word class ${name}`);
    return bit;
  }

  /**
   * The units of a list of words: at each word, the longest phrase of the lexicon that starts
   * there (at most three words), else the word alone. At most three look-ups per word.
   */
  units(words: readonly string[]): Units {
    const text: string[] = [];
    const bits: number[] = [];
    for (let i = 0; i < words.length; ) {
      const w = words[i]!;
      const longest = this.phraseStarts.get(w);
      let taken = 1;
      let found = this.bits.get(w) ?? 0;
      let unit = w;
      if (longest !== undefined) {
        for (let n = Math.min(longest, words.length - i); n > 1; n--) {
          const phrase = words.slice(i, i + n).join(' ');
          const b = this.bits.get(phrase);
          if (b !== undefined) {
            taken = n;
            found = b;
            unit = phrase;
            break;
          }
        }
      }
      text.push(unit);
      bits.push(NUMERAL.test(unit) ? found | NUMBER : found);
      i += taken;
    }
    return { text, bits };
  }
}

/** The class of numbers (`NUM` in a rule), beside the lexicon's own 31. */
const NUMBER = 1 << 31;
const NUMERAL = /^[0-9]+$/;

/** A text as lexicon units: each unit's words and class bits. */
export interface Units {
  text: string[];
  bits: number[];
}

/** One step of a rule: classes (bits) or literal units it accepts, and the gap before it. */
interface Step {
  mask: number;
  words: ReadonlySet<string>;
  /** Most units allowed between the previous step and this one. */
  gap: number;
}

/** A compiled rule. */
interface Rule {
  steps: Step[];
  /** Classes that may not stand in the unit just before the first step (or two units before). */
  notBefore: number;
  notBeforeWords: ReadonlySet<string>;
  /** Classes or words that may not come in the few units after the last step. */
  notAfter: number;
  notAfterWords: ReadonlySet<string>;
  /** Classes or words that break a gap (a "not" between intent and harm). */
  notBetween: number;
  notBetweenWords: ReadonlySet<string>;
  finding: Finding;
}

/** Options of one rule: what may not come before, after or between its steps. */
export interface RuleOptions {
  notBefore?: string;
  notAfter?: string;
  notBetween?: string;
}

/** How many units before the first step `notBefore` reads, and after the last `notAfter` reads. */
const BEFORE = 2;
const AFTER = 3;

/** Rules of word sequences over one lexicon. */
export class SequenceRules {
  private readonly rules: Rule[] = [];
  /** Step updates made by `find` since the counter was last read (tests bound it). */
  work = 0;

  constructor(private readonly lexicon: Lexicon) {}

  /**
   * Adds a rule: steps separated by spaces, each a class name (upper case) or a word ("make"),
   * alternatives joined by `|`, a phrase's words by `_` ("bend_over"); `~n` before a step allows
   * up to n units before it ("INTENT ~3 HARM ~3 YOU").
   */
  add(category: Finding['category'], kind: string, strength: Strength, pattern: string, options: RuleOptions = {}) {
    const steps: Step[] = [];
    let gap = 0;
    for (const part of pattern.split(' ')) {
      if (part.startsWith('~')) {
        gap = Number(part.slice(1));
        continue;
      }
      const { mask, words } = this.parseAlternatives(part);
      steps.push({ mask, words, gap });
      gap = 0;
    }
    const before = this.parseAlternatives(options.notBefore);
    const after = this.parseAlternatives(options.notAfter);
    const between = this.parseAlternatives(options.notBetween);
    this.rules.push({
      steps,
      notBefore: before.mask,
      notBeforeWords: before.words,
      notAfter: after.mask,
      notAfterWords: after.words,
      notBetween: between.mask,
      notBetweenWords: between.words,
      finding: { category, kind, strength },
    });
    return this;
  }

  private parseAlternatives(part: string | undefined): { mask: number; words: Set<string> } {
    let mask = 0;
    const words = new Set<string>();
    for (const alt of part ? part.split('|') : []) {
      if (/^[A-Z_]+$/.test(alt)) mask |= this.lexicon.classBit(alt);
      else words.add(alt.replaceAll('_', ' '));
    }
    return { mask, words };
  }

  /** The findings of every rule in the units of a text (one per rule that matches). */
  find(units: Units): Finding[] {
    const out: Finding[] = [];
    for (const rule of this.rules) if (this.matches(rule, units)) out.push(rule.finding);
    return out;
  }

  private matches(rule: Rule, { text, bits }: Units): boolean {
    const { steps } = rule;
    const last = steps.length - 1;
    // ends[k]: the latest unit where steps 0..k matched, -Infinity when none may be extended.
    const ends = new Array<number>(steps.length).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < text.length; i++) {
      const b = bits[i]!;
      const w = text[i]!;
      // From the last step down, so one unit does not serve two steps.
      for (let k = last; k >= 0; k--) {
        this.work++;
        const step = steps[k]!;
        if (!(b & step.mask) && !step.words.has(w)) continue;
        if (k === 0) {
          if (!accepted(rule.notBefore, rule.notBeforeWords, text, bits, i - BEFORE, i)) continue;
        } else if (i - ends[k - 1]! - 1 > step.gap) continue;
        if (k === last) {
          if (accepted(rule.notAfter, rule.notAfterWords, text, bits, i + 1, i + 1 + AFTER)) return true;
          continue;
        }
        ends[k] = i;
      }
      // A unit of a `notBetween` class ("not") ends every match under way but one it takes part in.
      if (b & rule.notBetween || rule.notBetweenWords.has(w)) for (let k = 0; k < last; k++) if (ends[k] !== i) ends[k] = Number.NEGATIVE_INFINITY;
    }
    return false;
  }
}

/** Whether no unit in [from, to) is of the classes or words given. */
function accepted(
  mask: number,
  words: ReadonlySet<string>,
  text: readonly string[],
  bits: readonly number[],
  from: number,
  to: number,
): boolean {
  if (mask === 0 && words.size === 0) return true;
  for (let j = Math.max(0, from); j < Math.min(to, text.length); j++)
    if (bits[j]! & mask || words.has(text[j]!)) return false;
  return true;
}
