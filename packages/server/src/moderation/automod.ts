/**
 * AutoMod's categories and levels (the event's `automod` settings): each rule reports findings,
 * a category, a kind and a strength (clear, likely, possible), and the event's level for the
 * category turns them into a verdict. `low` holds clear findings; `medium` (the default) blocks
 * clear ones and holds likely ones; `high` blocks clear and likely ones and holds possible ones;
 * `off` ignores the category. Reasons name the category and the kind (`spam:scam`), so the
 * review queue says why.
 */
import type { AutomodCategory, AutomodLevel, AutomodSettings } from '@livecomments/protocol';
import type { Verdict } from './moderator.js';

/** How sure a rule is: 3 clear, 2 likely, 1 possible. */
export type Strength = 1 | 2 | 3;

/** What one rule found. */
export interface Finding {
  category: AutomodCategory;
  /** What kind of thing, e.g. `scam`, `contact`, `threat`, `slur`. */
  kind: string;
  strength: Strength;
}

/** The categories, in the order reasons are listed. */
export const CATEGORIES: readonly AutomodCategory[] = ['spam', 'hostility', 'sexual', 'discrimination', 'selfHarm'];

/** The level of a category when the event does not set it. */
export const DEFAULT_LEVEL: AutomodLevel = 'medium';

/** The verdict a finding of this strength gets at this level. */
export function levelVerdict(level: AutomodLevel, strength: Strength): Verdict {
  switch (level) {
    case 'off':
      return 'approve';
    case 'low':
      return strength >= 3 ? 'hold' : 'approve';
    case 'medium':
      return strength >= 3 ? 'block' : strength >= 2 ? 'hold' : 'approve';
    case 'high':
      return strength >= 2 ? 'block' : 'hold';
  }
}

/** The verdict and reasons of a set of findings under an event's levels. */
export function judge(findings: readonly Finding[], levels: AutomodSettings | undefined) {
  const rank: Record<Verdict, number> = { approve: 0, hold: 1, block: 2 };
  let verdict: Verdict = 'approve';
  const reasons: string[] = [];
  for (const f of findings) {
    const v = levelVerdict(levels?.[f.category] ?? DEFAULT_LEVEL, f.strength);
    if (v === 'approve') continue;
    if (rank[v] > rank[verdict]) verdict = v;
    const reason = `${f.category}:${f.kind}`;
    if (!reasons.includes(reason)) reasons.push(reason);
  }
  return { verdict, reasons };
}

/**
 * Several independent cues of one category make it surer: two likely spam cues ("free robux" and
 * a link from a new author) are a clear case. Returns the findings with one combined per category.
 */
export function combine(findings: readonly Finding[]): Finding[] {
  const out = [...findings];
  for (const category of CATEGORIES) {
    const mine = findings.filter((f) => f.category === category);
    const kinds = new Set(mine.map((f) => f.kind));
    if (kinds.size < 2) continue;
    const top = Math.max(...mine.map((f) => f.strength));
    if (top < 3) out.push({ category, kind: 'several_signs', strength: (top + 1) as Strength });
  }
  return out;
}
