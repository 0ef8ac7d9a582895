/**
 * Phrase patterns run word by word. A pattern is written as a small regular expression over a
 * reading's text (words joined by single spaces: literals, `(?:a|b)`, `?`, `*`, `+`, `{m,n}`,
 * classes such as `[^ ]` and `[0-9]`, `$`, and lookarounds); it is compiled once, at module load,
 * into a character automaton, and from it into tables that say, for a state at the start of a
 * word, which states a whole word leads to (one `Map` lookup per word for literal words; classes
 * are stepped character by character). A comment is then read once, left to right, with a set of
 * live states that the automaton bounds: the cost is linear in the text whatever it holds, and
 * what matches is exactly what the regular expression matches at word boundaries. Lookarounds
 * stay small regular expressions of literals, tested sticky at one position.
 */

/** A test at one position: a lookaround (sticky), or `null` for the end of the text. */
type Cond = RegExp | null;

type Node =
  | { k: 'ch'; c: string; next: number }
  | { k: 'cls'; test: (c: string) => boolean; next: number }
  | { k: 'word'; next: number }
  | { k: 'split'; outs: number[] }
  | { k: 'as'; re: RegExp; next: number }
  | { k: 'eol'; next: number }
  | { k: 'match'; rule: number };

type Ast =
  | { t: 'ch'; c: string }
  | { t: 'cls'; test: (c: string) => boolean }
  | { t: 'word' }
  | { t: 'seq'; items: Ast[] }
  | { t: 'alt'; options: Ast[] }
  | { t: 'rep'; item: Ast; min: number; max: number }
  | { t: 'as'; re: RegExp }
  | { t: 'eol' };

/** Parses the regular-expression subset that phrase patterns use; anything else is refused at load. */
class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Ast {
    const ast = this.alt();
    if (this.i !== this.src.length) throw new Error(`phrase pattern: unexpected "${this.src[this.i]}" in ${this.src}`);
    return ast;
  }

  private alt(): Ast {
    const options = [this.seq()];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.seq());
    }
    return options.length === 1 ? options[0]! : { t: 'alt', options };
  }

  private seq(): Ast {
    const items: Ast[] = [];
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')')
      items.push(this.quantified(this.atom()));
    return { t: 'seq', items };
  }

  private atom(): Ast {
    const s = this.src;
    const c = s[this.i]!;
    if (c === '(') {
      for (const look of ['(?<!', '(?<=', '(?!', '(?=']) {
        if (!s.startsWith(look, this.i)) continue;
        const start = this.i;
        this.i += look.length;
        this.alt();
        if (s[this.i] !== ')') throw new Error(`phrase pattern: unclosed lookaround in ${s}`);
        this.i++;
        return { t: 'as', re: new RegExp(s.slice(start, this.i), 'y') };
      }
      if (!s.startsWith('(?:', this.i)) throw new Error(`phrase pattern: capturing group in ${s}`);
      this.i += 3;
      const inner = this.alt();
      if (s[this.i] !== ')') throw new Error(`phrase pattern: unclosed group in ${s}`);
      this.i++;
      return inner;
    }
    // `[^ ]+`, any one word, is taken whole: no need to step through its letters.
    if (s.startsWith('[^ ]+', this.i)) {
      this.i += 5;
      return { t: 'word' };
    }
    if (c === '[') {
      const end = s.indexOf(']', this.i);
      const re = new RegExp(`^${s.slice(this.i, end + 1)}$`);
      // Classes are of letters and digits: a space always ends a word.
      if (re.test(' ')) throw new Error(`phrase pattern: a class that takes a space in ${s}`);
      this.i = end + 1;
      return { t: 'cls', test: (ch) => re.test(ch) };
    }
    if (c === '$') {
      this.i++;
      return { t: 'eol' };
    }
    if ('\\.^*+?{}]'.includes(c)) throw new Error(`phrase pattern: unsupported "${c}" in ${s}`);
    this.i++;
    return { t: 'ch', c };
  }

  private quantified(item: Ast): Ast {
    const s = this.src;
    const c = s[this.i];
    if (c === '?' || c === '*' || c === '+') {
      this.i++;
      return { t: 'rep', item, min: c === '+' ? 1 : 0, max: c === '?' ? 1 : Number.POSITIVE_INFINITY };
    }
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.i, this.i + 12));
      if (!m) throw new Error(`phrase pattern: bad repetition in ${s}`);
      this.i += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
      return { t: 'rep', item, min, max };
    }
    return item;
  }
}

/** What a word leads to from a state at its start: the states at its end, with tests at its start. */
interface WordTable {
  words: Map<string, { end: number; conds: Cond[] }[]>;
  /** Paths through any one word. */
  anyWord: { end: number; conds: Cond[] }[];
  /** Paths through a class: stepped character by character from `state` after the literal `prefix`. */
  classes: { prefix: string; state: number; conds: Cond[]; first: (word: string, at: number) => boolean }[];
}

/** What a state at the end of a word leads to: a rule matched, or a state at the next word's start. */
interface EndStep {
  conds: Cond[];
  rule: number;
  next: number;
}

/** Many patterns compiled into one automaton over words; `run` says which of them match a text. */
export class WordAutomaton {
  private readonly nodes: Node[] = [];
  private readonly start: number;
  private readonly wordTables: (WordTable | undefined)[] = [];
  /** Per state, the number of the last word that queued it. */
  private readonly queued: Uint32Array;
  private generation = 0;
  /** Results of stepping through classes, by state and word (bounded: emptied when full). */
  private readonly stepped = new Map<string, number[]>();
  /** Whether a lookaround sits inside a word after a class (then stepping depends on the position). */
  private readonly stepsWithTests: boolean;
  private readonly endSteps: (EndStep[] | undefined)[] = [];

  constructor(patterns: readonly string[]) {
    const starts = patterns.map((p, rule) => {
      const match = this.add({ k: 'match', rule });
      return this.build(new Parser(p).parse(), match);
    });
    this.start = this.add({ k: 'split', outs: starts });
    this.queued = new Uint32Array(this.nodes.length);
    this.stepsWithTests = this.nodes.some((n) => n.k === 'as');
    this.precompile();
  }

  /** Which patterns match the words (`text` is them joined by single spaces): one flag per pattern. */
  run(words: readonly string[], text: string, matched: Uint8Array): void {
    let active: number[] = [];
    let next: number[] = [];
    let pos = 0;
    for (let k = 0; k < words.length; k++) {
      const word = words[k]!;
      const end = pos + word.length;
      // The word's number marks the states already queued for the next word (no set to allocate).
      const mark = ++this.generation;
      const more = k + 1 < words.length;
      next.length = 0;
      active.push(this.start);
      for (const b of active) {
        const table = this.wordTableOf(b);
        const hits = table.words.get(word);
        if (hits !== undefined)
          for (const h of hits)
            if (holds(h.conds, text, pos)) this.endWord(h.end, text, end, more, mark, next, matched);
        for (const h of table.anyWord)
          if (holds(h.conds, text, pos)) this.endWord(h.end, text, end, more, mark, next, matched);
        for (const c of table.classes)
          if (c.first(word, c.prefix.length) && word.startsWith(c.prefix) && holds(c.conds, text, pos))
            for (const s of this.step(c.state, word, c.prefix.length, pos, text))
              this.endWord(s, text, end, more, mark, next, matched);
      }
      const swap = active;
      active = next;
      next = swap;
      pos = end + 1;
    }
  }

  /** Follows a state at the end of a word: flags a match, or queues the state at the next word's start. */
  private endWord(
    state: number,
    text: string,
    end: number,
    more: boolean,
    mark: number,
    next: number[],
    matched: Uint8Array,
  ): void {
    for (const step of this.endStepsOf(state)) {
      if (!holds(step.conds, text, end)) continue;
      if (step.rule >= 0) matched[step.rule] = 1;
      else if (more && this.queued[step.next] !== mark) {
        this.queued[step.next] = mark;
        next.push(step.next);
      }
    }
  }

  private add(node: Node): number {
    this.nodes.push(node);
    return this.nodes.length - 1;
  }

  /** The automaton of `ast` followed by state `next`; returns its entry state. */
  private build(ast: Ast, next: number): number {
    switch (ast.t) {
      case 'ch':
        return this.add({ k: 'ch', c: ast.c, next });
      case 'cls':
        return this.add({ k: 'cls', test: ast.test, next });
      case 'word':
        return this.add({ k: 'word', next });
      case 'as':
        return this.add({ k: 'as', re: ast.re, next });
      case 'eol':
        return this.add({ k: 'eol', next });
      case 'seq': {
        let at = next;
        for (let i = ast.items.length - 1; i >= 0; i--) at = this.build(ast.items[i]!, at);
        return at;
      }
      case 'alt':
        return this.add({ k: 'split', outs: ast.options.map((o) => this.build(o, next)) });
      case 'rep': {
        let at: number;
        if (ast.max === Number.POSITIVE_INFINITY) {
          const loop = this.add({ k: 'split', outs: [] });
          (this.nodes[loop] as { outs: number[] }).outs.push(this.build(ast.item, loop), next);
          at = loop;
        } else {
          at = next;
          for (let i = ast.min; i < ast.max; i++) at = this.add({ k: 'split', outs: [this.build(ast.item, at), next] });
        }
        for (let i = 0; i < ast.min; i++) at = this.build(ast.item, at);
        return at;
      }
    }
  }

  /** Every table reachable through literal words, made at load rather than on the first comment. */
  private precompile(): void {
    const todo = [this.start];
    const done = new Set<number>();
    while (todo.length > 0) {
      const b = todo.pop()!;
      if (done.has(b)) continue;
      done.add(b);
      const table = this.wordTableOf(b);
      for (const h of [...[...table.words.values()].flat(), ...table.anyWord])
        for (const step of this.endStepsOf(h.end)) if (step.rule < 0) todo.push(step.next);
    }
  }

  /** The table of a state at the start of a word: literal words followed through the automaton. */
  private wordTableOf(state: number): WordTable {
    let table = this.wordTables[state];
    if (table !== undefined) return table;
    table = { words: new Map(), anyWord: [], classes: [] };
    const t = table;
    const visited = new Set<string>();
    const walk = (s: number, prefix: string, conds: Cond[]) => {
      const key = `${s}|${prefix}|${condsKey(conds)}`;
      if (visited.has(key)) return;
      visited.add(key);
      const node = this.nodes[s]!;
      const endHere = () => {
        // A word ends here (before a space, a test, the end or a match); an empty word never does.
        if (prefix === '') return;
        const list = t.words.get(prefix) ?? [];
        if (!list.some((e) => e.end === s && e.conds === conds)) list.push({ end: s, conds });
        t.words.set(prefix, list);
      };
      switch (node.k) {
        case 'split':
          for (const o of node.outs) walk(o, prefix, conds);
          return;
        case 'ch':
          if (node.c === ' ') endHere();
          else walk(node.next, prefix + node.c, conds);
          return;
        case 'cls':
          t.classes.push({ prefix, state: s, conds, first: (word, at) => at < word.length && node.test(word[at]!) });
          return;
        case 'word':
          if (prefix !== '') throw new Error('phrase pattern: a word inside a word');
          t.anyWord.push({ end: node.next, conds });
          return;
        case 'as':
          if (prefix === '') walk(node.next, prefix, [...conds, node.re]);
          else endHere();
          return;
        case 'eol':
        case 'match':
          endHere();
          return;
      }
    };
    walk(state, '', []);
    this.wordTables[state] = table;
    return table;
  }

  /** The steps of a state at the end of a word: through tests to a match or to the space before the next word. */
  private endStepsOf(state: number): EndStep[] {
    let steps = this.endSteps[state];
    if (steps !== undefined) return steps;
    const out: EndStep[] = [];
    const visited = new Set<string>();
    const walk = (s: number, conds: Cond[]) => {
      const key = `${s}|${condsKey(conds)}`;
      if (visited.has(key)) return;
      visited.add(key);
      const node = this.nodes[s]!;
      switch (node.k) {
        case 'split':
          for (const o of node.outs) walk(o, conds);
          return;
        case 'ch':
          if (node.c === ' ') out.push({ conds, rule: -1, next: node.next });
          return;
        case 'as':
          walk(node.next, [...conds, node.re]);
          return;
        case 'eol':
          walk(node.next, [...conds, null]);
          return;
        case 'match':
          out.push({ conds, rule: node.rule, next: -1 });
          return;
        case 'cls':
        case 'word':
          return;
      }
    };
    walk(state, []);
    steps = out;
    this.endSteps[state] = steps;
    return steps;
  }

  /** `stepFrom`, remembered per state and word when no lookaround is on the way (numbers repeat in chat). */
  private step(state: number, word: string, from: number, pos: number, text: string): number[] {
    if (this.stepsWithTests) return this.stepFrom(state, word, from, pos, text);
    const key = `${state} ${from} ${word}`;
    let out = this.stepped.get(key);
    if (out === undefined) {
      if (this.stepped.size >= 4096) this.stepped.clear();
      out = this.stepFrom(state, word, from, pos, text);
      this.stepped.set(key, out);
    }
    return out;
  }

  /** Steps the automaton from `state` over `word` from character `from`; returns the states after its last one. */
  private stepFrom(state: number, word: string, from: number, pos: number, text: string): number[] {
    let current = [state];
    for (let i = from; i < word.length; i++) {
      const c = word[i]!;
      const next = new Set<number>();
      const visited = new Set<number>();
      const close = (s: number) => {
        if (visited.has(s)) return;
        visited.add(s);
        const node = this.nodes[s]!;
        if (node.k === 'split') for (const o of node.outs) close(o);
        else if (node.k === 'as') {
          if (holds([node.re], text, pos + i)) close(node.next);
        } else if ((node.k === 'ch' && node.c === c) || (node.k === 'cls' && node.test(c))) next.add(node.next);
      };
      for (const s of current) close(s);
      current = [...next];
      if (current.length === 0) break;
    }
    return current;
  }
}

/** A key for a list of tests (used while compiling only). */
function condsKey(conds: readonly Cond[]): string {
  return conds.map((c) => (c === null ? '$' : c.source)).join('\u0001');
}

/** Whether every test holds at a position of the text. */
function holds(conds: readonly Cond[], text: string, at: number): boolean {
  if (conds.length === 0) return true;
  for (const c of conds) {
    if (c === null) {
      if (at !== text.length) return false;
      continue;
    }
    c.lastIndex = at;
    if (!c.test(text)) return false;
  }
  return true;
}
