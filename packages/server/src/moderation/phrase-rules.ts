/**
 * Phrase rules over a reading's words (`chat-reading.ts`: lower-case words of letters and digits
 * joined by single spaces). Each rule is a pattern of words with bounded gaps only (`W{0,4}`),
 * written as a regular expression but run word by word (`word-automaton.ts`): one pass over the
 * words for all the rules of a category, linear in the text.
 */
import type { Finding, Strength } from './automod.js';
import { WordAutomaton } from './word-automaton.js';

/** One rule: a pattern over the words, what it finds, and how sure it is. */
export interface PhraseRule {
  pattern: string;
  kind: string;
  strength: Strength;
}

/** Any one word. */
export const W = '[^ ]+';
/** Up to `n` words (with their spaces) between two parts of a phrase. */
export const gap = (n: number) => `(?: ${W}){0,${n}}`;
/** A choice of words or phrases. */
export const any = (...options: string[]) => `(?:${options.join('|')})`;

/** The words of a reading and the same words joined by single spaces. */
export interface Words {
  words: readonly string[];
  text: string;
}

/** Rules of one category compiled together into one automaton over words. */
export class PhraseRules {
  private readonly automaton: WordAutomaton;

  constructor(
    private readonly category: Finding['category'],
    private readonly rules: readonly PhraseRule[],
  ) {
    this.automaton = new WordAutomaton(rules.map((r) => r.pattern));
  }

  /** The findings of these rules in a reading, in the order of the rules. */
  find(reading: Words): Finding[] {
    const matched = new Uint8Array(this.rules.length);
    this.automaton.run(reading.words, reading.text, matched);
    const out: Finding[] = [];
    for (let i = 0; i < this.rules.length; i++)
      if (matched[i])
        out.push({ category: this.category, kind: this.rules[i]!.kind, strength: this.rules[i]!.strength });
    return out;
  }
}
