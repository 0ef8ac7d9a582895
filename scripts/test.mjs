#!/usr/bin/env node
// Runs every compiled test file (`*.test.js` under a package's dist/) with node's test runner.
// Node 20's `--test` takes no globs, so the files are found here. Extra arguments narrow the run:
// `npm test -- store` runs the files whose path contains "store".
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const roots = [
  ...(() => {
    try {
      return readdirSync('packages').map((name) => join('packages', name, 'dist'));
    } catch {
      return [];
    }
  })(),
  // The bench workspace is one package, not a folder of packages.
  join('bench', 'dist'),
  // The web pages' browser tests.
  join('web', 'dist', 'test'),
];

/** Test files under `dir`, depth first, sorted for a stable order. */
function findTests(dir) {
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findTests(path);
    return name.endsWith('.test.js') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = roots.flatMap(findTests).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files found: run `npm run build` first');
  process.exit(1);
}
const args = ['--test', '--test-concurrency=2', '--test-timeout=120000', ...files];
const child = spawn(process.execPath, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
