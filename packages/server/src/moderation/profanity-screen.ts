/**
 * A fast screen in front of the `obscenity` matcher, which costs 50-90 µs a comment (it scans
 * the text once per dataset pattern and once more for its allow-list). The screen applies the
 * same transformers (look-alikes, leetspeak, lower case, collapsed repeats; stateless ones cached
 * per character) and tests ONE regular expression, the union of the dataset's patterns. It is
 * exact in one direction: when it says no, the matcher would find nothing (the allow-list only
 * removes matches), so most comments skip the matcher, and the others are matched against the
 * few terms that can be there. `profanity-screen.test.ts` checks this.
 */
import {
  englishDataset,
  englishRecommendedBlacklistMatcherTransformers,
  type ParsedPattern,
  type StatefulTransformer,
  SyntaxKind,
  type TransformerContainer,
} from 'obscenity';

type PatternNode = ParsedPattern['nodes'][number];

const SPECIAL = new Set([...'[.*+?^(){}|\\]', '$'].map((c) => c.codePointAt(0)!));

/** A pattern node as regular-expression source, as `obscenity` compiles it. */
function nodeSource(node: PatternNode): string {
  switch (node.kind) {
    case SyntaxKind.Literal:
      return node.chars.map((c) => (SPECIAL.has(c) ? '\\' : '') + String.fromCodePoint(c)).join('');
    case SyntaxKind.Optional:
      return `(?:${nodeSource(node.childNode)})?`;
    case SyntaxKind.Wildcard:
      return '.';
    default:
      return '';
  }
}

function patternSource(p: ParsedPattern): string {
  return `(?:${p.requireWordBoundaryAtStart ? '\\b' : ''}${p.nodes.map(nodeSource).join('')}${p.requireWordBoundaryAtEnd ? '\\b' : ''})`;
}

/** The dataset's terms, each with its pattern compiled alone. */
export const TERMS = englishDataset.build().blacklistedTerms.map((term) => ({
  term,
  regExp: new RegExp(patternSource(term.pattern), 's'),
}));
const ANY_PATTERN = new RegExp(TERMS.map((t) => t.regExp.source).join('|'), 's');

const transformers: readonly TransformerContainer[] = englishRecommendedBlacklistMatcherTransformers;
/** The stateless transformers come first, so their combined effect can be cached per character. */
const firstStateful = transformers.findIndex((t) => t.type !== 0);
const simple = transformers.slice(0, firstStateful === -1 ? transformers.length : firstStateful);
const stateful: StatefulTransformer[] = transformers
  .slice(simple.length)
  .map((t) => (t.type === 1 ? t.factory() : null))
  .filter((t): t is StatefulTransformer => t !== null);
/** If a stateless transformer came after a stateful one, the screen cannot cache: it lets everything through. */
const usable = simple.length + stateful.length === transformers.length;

/** Cache of the stateless transformers' result per BMP character: -2 unknown, -1 dropped. */
const cache = new Int32Array(0x10000).fill(-2);

function applySimple(c: number): number | undefined {
  let out: number | undefined = c;
  for (const t of simple) {
    if (t.type !== 0) break;
    out = t.transform(out);
    if (out === undefined) return undefined;
  }
  return out;
}

function simpleCached(c: number): number | undefined {
  if (c >= 0x10000) return applySimple(c);
  let v = cache[c]!;
  if (v === -2) {
    v = applySimple(c) ?? -1;
    cache[c] = v;
  }
  return v === -1 ? undefined : v;
}

/** False when the `obscenity` English matcher certainly finds no profanity in `text`. */
export function mayBeProfane(text: string): boolean {
  return candidateTerms(text) !== NONE;
}

const NONE: readonly number[] = [];
const ALL: readonly number[] = TERMS.map((t) => t.term.id);

/**
 * The ids of the dataset terms the matcher may find in `text` (before its allow-list): none
 * for most comments, all when the screen cannot tell.
 */
export function candidateTerms(text: string): readonly number[] {
  if (!usable) return ALL;
  for (const s of stateful) s.reset();
  let out = '';
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = ((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
        i++;
      }
    }
    let t = simpleCached(c);
    for (let k = 0; t !== undefined && k < stateful.length; k++) t = stateful[k]!.transform(t);
    if (t !== undefined) out += String.fromCodePoint(t);
  }
  if (!ANY_PATTERN.test(out)) return NONE;
  return TERMS.filter((t) => t.regExp.test(out)).map((t) => t.term.id);
}
