/**
 * Phrase rules over a reading's words (`chat-reading.ts`: lower-case words of letters and digits
 * joined by single spaces). Each rule is a pattern of words with bounded gaps only (`W{0,4}`), so
 * a test costs at most a constant per start position: linear in the text.
 */
import type { Finding, Strength } from './automod.js';

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

/** Rules of one category compiled, each a word-bounded pattern. */
export class PhraseRules {
  private readonly compiled: { re: RegExp; kind: string; strength: Strength }[];
  /** Every rule in one pattern: most comments match none, and one test tells. */
  private readonly anyRule: RegExp;

  constructor(
    private readonly category: Finding['category'],
    rules: readonly PhraseRule[],
  ) {
    const bound = (p: string) => `(?<![^ ])(?:${p})(?![^ ])`;
    this.compiled = rules.map((r) => ({ re: new RegExp(bound(r.pattern)), kind: r.kind, strength: r.strength }));
    this.anyRule = new RegExp(bound(rules.map((r) => r.pattern).join('|')));
  }

  /** The findings of these rules in a reading's text. */
  find(text: string): Finding[] {
    if (!this.anyRule.test(text)) return [];
    const out: Finding[] = [];
    for (const r of this.compiled)
      if (r.re.test(text)) out.push({ category: this.category, kind: r.kind, strength: r.strength });
    return out;
  }
}
