// The import graph of packages/server/src has no loop (docs STYLE.md rule 13): node.ts, the
// composition root, is on top and nothing imports it back; modules declare what they need.
// Type-only imports count: a loop through types is still a loop between modules.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The sources, from dist/test/ back to the package's src/. */
const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/** The .ts files under `dir`, depth first. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * The specifiers a file imports (the relative ones unless `all`): `import`, `import type`,
 * `export ... from`, dynamic `import()` and `import('…').Type` in type positions.
 */
export function specifiersOf(path: string, text: string, all = false): string[] {
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  function visit(node: ts.Node): void {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) found.push(arg.text);
    } else if (ts.isImportTypeNode(node)) {
      const arg = node.argument;
      if (ts.isLiteralTypeNode(arg) && ts.isStringLiteral(arg.literal)) found.push(arg.literal.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const expr = node.moduleReference.expression;
      if (ts.isStringLiteral(expr)) found.push(expr.text);
    }
    ts.forEachChild(node, visit);
  }
  visit(file);
  return all ? found : found.filter((s) => s.startsWith('.'));
}

/** The import graph of the .ts files under `root`: file (relative to root) -> the files it imports. */
export function importGraph(root: string): Map<string, string[]> {
  const files = sourceFiles(root);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = new Set<string>();
    for (const spec of specifiersOf(file, readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
      const candidates = [target, `${target}.ts`, join(target, 'index.ts')];
      const hit = candidates.find((c) => known.has(c));
      if (hit) targets.add(relative(root, hit));
    }
    graph.set(relative(root, file), [...targets].sort());
  }
  return graph;
}

/** The strongly connected components with a loop (Tarjan), each as one loop through it. */
export function importLoops(graph: Map<string, string[]>): { files: string[]; loop: string[] }[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  function connect(node: string): void {
    index.set(node, next);
    low.set(node, next);
    next++;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node)!, index.get(to)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = component.length === 1 && (graph.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) components.push(component.sort());
    }
  }
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) connect(node);
  return components.map((files) => ({ files, loop: loopThrough(graph, new Set(files), files[0]!) }));
}

/** One loop from `start` back to itself inside `within` (breadth first: a shortest one). */
function loopThrough(graph: Map<string, string[]>, within: Set<string>, start: string): string[] {
  const from = new Map<string, string>();
  const queue = [start];
  for (let at = 0; at < queue.length; at++) {
    const node = queue[at]!;
    for (const to of graph.get(node) ?? []) {
      if (!within.has(to)) continue;
      if (to === start) {
        const path = [node];
        while (path[0] !== start) path.unshift(from.get(path[0]!)!);
        return [...path, start];
      }
      if (!from.has(to)) {
        from.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start];
}

test('finds a loop, through type-only imports and re-exports too', () => {
  const graph = new Map([
    ['a.ts', ['b.ts']],
    ['b.ts', ['c.ts']],
    ['c.ts', ['a.ts', 'd.ts']],
    ['d.ts', []],
  ]);
  assert.deepEqual(importLoops(graph), [{ files: ['a.ts', 'b.ts', 'c.ts'], loop: ['a.ts', 'b.ts', 'c.ts', 'a.ts'] }]);
  const text = `import type { A } from './a.js';\nexport { B } from './b.js';\nconst c = await import('./c.js');\ntype D = import('./d.js').D;\nimport x from 'fastify';`;
  assert.deepEqual(specifiersOf('x.ts', text), ['./a.js', './b.js', './c.js', './d.js']);
});

test('packages/server/src has no import loop', () => {
  const graph = importGraph(SRC);
  assert.ok(graph.size > 50, `read the sources under ${SRC}`);
  const loops = importLoops(graph);
  const report = loops.map(
    ({ files, loop }) => `${files.length} files: ${files.join(', ')}\n    e.g. ${loop.join(' -> ')}`,
  );
  assert.equal(loops.length, 0, `import loops in packages/server/src:\n  ${report.join('\n  ')}`);
});

test('nothing imports the composition root back', () => {
  const graph = importGraph(SRC);
  const importers = [...graph].filter(([, targets]) => targets.includes('node.ts')).map(([file]) => file);
  assert.deepEqual(importers.filter((f) => f !== 'index.ts' && f !== 'main.ts' && f !== 'testing.ts').sort(), []);
});

// The offline moderation tools (packages/moderation-tools) build on the server, never the other
// way round, and the server's runtime dependencies are what its sources import (no CSV parser).
test('the server imports only its own dependencies, never the moderation tools', () => {
  const pkg = JSON.parse(readFileSync(join(SRC, '../package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const declared = new Set([...Object.keys(pkg.dependencies), '@livecomments/protocol']);
  const used = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    if (file.endsWith('.test.ts')) continue;
    for (const spec of specifiersOf(file, readFileSync(file, 'utf8'), true)) {
      if (spec.startsWith('.') || spec.startsWith('node:')) continue;
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
      assert.ok(declared.has(name), `${relative(SRC, file)} imports ${spec}, not a dependency of the server`);
      used.add(name);
    }
  }
  assert.deepEqual([...declared].filter((name) => !used.has(name) && !name.startsWith('@types/')).sort(), []);
});
