/**
 * Compositional rules over a reading's words (`chat-reading.ts`), without regular expressions:
 * each word (or a phrase of up to three words, "going to", "where you live") is looked up once
 * in a lexicon of word classes (`you`, `INTENT`, `HARM`, ...), and a rule is a sequence of
 * classes or words with bounded gaps ("INTENT ~3 HARM ~3 YOU": an intent, at most three words,
 * a harm verb, at most three words, a target). So a rule written once covers every combination
 * of its lexicons ("imma stab u", "we will hurt your kids", "someones gonna shoot this streamer")
 * instead of the sentences it was written from.
 *
 * Matching costs a constant per word, whatever the text: for each rule, the
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
  /** The first two words of three-word phrases: a third word is read only after one of them. */
  private readonly threeStarts = new Set<string>();

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
        if (words.length === 3) this.threeStarts.add(`${first} ${words[1]}`);
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
      if (longest !== undefined && i + 1 < words.length) {
        // Two words, then three: the longest phrase found wins.
        const two = `${w} ${words[i + 1]}`;
        const three =
          longest > 2 && i + 2 < words.length && this.threeStarts.has(two) ? `${two} ${words[i + 2]}` : undefined;
        const b3 = three === undefined ? undefined : this.bits.get(three);
        const b2 = b3 === undefined ? this.bits.get(two) : undefined;
        if (b3 !== undefined) [taken, found, unit] = [3, b3, three!];
        else if (b2 !== undefined) [taken, found, unit] = [2, b2, two];
      }
      text.push(unit);
      const c = unit.charCodeAt(0);
      bits.push(c >= 48 && c <= 57 && NUMERAL.test(unit) ? found | NUMBER : found);
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

/** Where a class bit or a word leads: the (rule, step) pairs that accept it, as flat pairs. */
type Pairs = number[];

/** Rules of word sequences over one lexicon. */
export class SequenceRules {
  private readonly rules: Rule[] = [];
  /** Indexes built on first use: what each class bit and each word may advance or break. */
  private index: {
    stepsByBit: Pairs[];
    stepsByWord: Map<string, Pairs>;
    breakByBit: number[][];
    breakByWord: Map<string, number[]>;
    offsets: number[];
    ends: Float64Array;
    matched: Uint8Array;
  } | null = null;
  /** Candidate steps tried by `find` since the counter was last reset (tests bound it per word). */
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
    this.index = null;
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

  /** Inverts the rules: for each class bit and word, the steps it may advance and the rules it breaks. */
  private build() {
    const stepsByBit: Pairs[] = Array.from({ length: 32 }, () => []);
    const stepsByWord = new Map<string, Pairs>();
    const breakByBit: number[][] = Array.from({ length: 32 }, () => []);
    const breakByWord = new Map<string, number[]>();
    const offsets: number[] = [];
    let total = 0;
    this.rules.forEach((rule, r) => {
      offsets.push(total);
      total += rule.steps.length;
      rule.steps.forEach((step, k) => {
        for (let bit = 0; bit < 32; bit++) if (step.mask & (1 << bit)) stepsByBit[bit]!.push(r, k);
        for (const w of step.words) {
          const list = stepsByWord.get(w) ?? [];
          list.push(r, k);
          stepsByWord.set(w, list);
        }
      });
      for (let bit = 0; bit < 32; bit++) if (rule.notBetween & (1 << bit)) breakByBit[bit]!.push(r);
      for (const w of rule.notBetweenWords) breakByWord.set(w, [...(breakByWord.get(w) ?? []), r]);
    });
    return {
      stepsByBit,
      stepsByWord,
      breakByBit,
      breakByWord,
      offsets,
      ends: new Float64Array(total),
      matched: new Uint8Array(this.rules.length),
    };
  }

  /**
   * The findings of every rule in the units of a text (one per rule that matches). Each unit
   * visits only the steps its classes and its word lead to, so the work per unit is bounded by
   * the rules, not by the text.
   */
  find(units: Units): Finding[] {
    this.index ??= this.build();
    const { stepsByBit, stepsByWord, breakByBit, breakByWord, ends, matched } = this.index;
    ends.fill(Number.NEGATIVE_INFINITY);
    matched.fill(0);
    const { text, bits } = units;
    // Steps advanced by the current unit, applied once all its candidates are read, so that one
    // unit never serves two steps of a rule.
    const pending: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const w = text[i]!;
      const b = bits[i]!;
      pending.length = 0;
      for (let rest = b; rest !== 0; rest &= rest - 1)
        this.advance(stepsByBit[31 - Math.clz32(rest & -rest)]!, units, i, pending);
      const byWord = stepsByWord.get(w);
      if (byWord) this.advance(byWord, units, i, pending);
      for (let p = 0; p < pending.length; p++) ends[pending[p]!] = i;
      // A unit of a rule's `notBetween` ("not") ends its matches under way, but for one it takes part in.
      for (let rest = b; rest !== 0; rest &= rest - 1) this.interrupt(breakByBit[31 - Math.clz32(rest & -rest)]!, i);
      const breaks = breakByWord.get(w);
      if (breaks) this.interrupt(breaks, i);
    }
    const out: Finding[] = [];
    this.rules.forEach((rule, r) => {
      if (matched[r]) out.push(rule.finding);
    });
    return out;
  }

  /** Tries the steps a unit leads to against the latest ends of their rules. */
  private advance(pairs: Pairs, { text, bits }: Units, i: number, pending: number[]): void {
    const { offsets, ends, matched } = this.index!;
    for (let p = 0; p < pairs.length; p += 2) {
      const r = pairs[p]!;
      const k = pairs[p + 1]!;
      this.work++;
      if (matched[r]) continue;
      const rule = this.rules[r]!;
      const at = offsets[r]! + k;
      if (k === 0) {
        if (!accepted(rule.notBefore, rule.notBeforeWords, text, bits, i - BEFORE, i)) continue;
      } else if (i - ends[at - 1]! - 1 > rule.steps[k]!.gap) continue;
      if (k === rule.steps.length - 1) {
        if (accepted(rule.notAfter, rule.notAfterWords, text, bits, i + 1, i + 1 + AFTER)) matched[r] = 1;
        continue;
      }
      pending.push(at);
    }
  }

  /** Ends the matches under way of these rules, except steps taken at unit `i`. */
  private interrupt(rules: readonly number[], i: number): void {
    const { offsets, ends } = this.index!;
    for (const r of rules) {
      const last = this.rules[r]!.steps.length - 1;
      for (let k = 0; k < last; k++) {
        this.work++;
        if (ends[offsets[r]! + k] !== i) ends[offsets[r]! + k] = Number.NEGATIVE_INFINITY;
      }
    }
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
