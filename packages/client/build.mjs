#!/usr/bin/env node
// Builds the publishable package from the sources (after `tsc -b`, which emits the declarations):
//   dist/pkg/index.js          ESM, for bundlers and Node (`import`)
//   dist/pkg/index.cjs         CommonJS (`require`)
//   dist/pkg/livecomments.min.js  minified browser bundle, global `livecomments`
//   dist/types/                declarations, with the protocol's types beside them
// The protocol's runtime bits (close codes, error catalogue) are bundled in, so the package has
// no runtime dependency; its types are copied in and the settings types written out plainly, so
// they need no TypeBox. Prints the browser bundle's size and fails above the budget.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/** Gzipped size the browser bundle must stay under (README: "Size"). */
const BUDGET_GZIP = 12 * 1024;

const here = dirname(fileURLToPath(import.meta.url));
const protocolDist = join(here, '..', 'protocol', 'dist');
const tscOut = join(here, 'dist', 'src');
const pkgOut = join(here, 'dist', 'pkg');
const typesOut = join(here, 'dist', 'types');
if (!existsSync(join(tscOut, 'index.d.ts')) || !existsSync(join(protocolDist, 'index.d.ts'))) {
  console.error('client build: run `tsc -b` first (npm run build)');
  process.exit(1);
}

const common = {
  entryPoints: [join(here, 'src', 'index.ts')],
  bundle: true,
  absWorkingDir: here,
  target: ['es2022', 'node20', 'chrome100', 'firefox100', 'safari15'],
  legalComments: 'none',
  logLevel: 'warning',
};
rmSync(pkgOut, { recursive: true, force: true });
await build({ ...common, format: 'esm', platform: 'neutral', outfile: join(pkgOut, 'index.js') });
await build({ ...common, format: 'cjs', platform: 'node', outfile: join(pkgOut, 'index.cjs') });
await build({
  ...common,
  format: 'iife',
  globalName: 'livecomments',
  platform: 'browser',
  minify: true,
  outfile: join(pkgOut, 'livecomments.min.js'),
});

await writeTypes();

const min = readFileSync(join(pkgOut, 'livecomments.min.js'));
const gz = gzipSync(min, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`client: livecomments.min.js ${kb(min.length)}, ${kb(gz)} gzipped (budget ${kb(BUDGET_GZIP)})`);
if (gz > BUDGET_GZIP) {
  console.error(`client: the browser bundle is over its budget of ${kb(BUDGET_GZIP)} gzipped`);
  process.exit(1);
}

/** Copies the declarations (tests left out), pointing `@livecomments/protocol` at a copy of its own. */
function writeTypes() {
  rmSync(typesOut, { recursive: true, force: true });
  for (const file of declarations(tscOut)) {
    const to = join(typesOut, relative(tscOut, file));
    mkdirSync(dirname(to), { recursive: true });
    let protocol = relative(dirname(to), join(typesOut, 'protocol', 'index.js')).replaceAll('\\', '/');
    if (!protocol.startsWith('.')) protocol = `./${protocol}`;
    const text = readFileSync(file, 'utf8')
      .replaceAll("'@livecomments/protocol'", `'${protocol}'`)
      .replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
    writeFileSync(to, text);
  }
  mkdirSync(join(typesOut, 'protocol'), { recursive: true });
  // Every declaration of the protocol but the settings, which are written out below.
  const names = readdirSync(protocolDist).filter((n) => n.endsWith('.d.ts') && n !== 'settings.d.ts');
  for (const name of names) {
    const text = readFileSync(join(protocolDist, name), 'utf8').replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n');
    writeFileSync(join(typesOut, 'protocol', name), text);
  }
  return settingsTypes().then((text) => writeFileSync(join(typesOut, 'protocol', 'settings.d.ts'), text));
}

/** `.d.ts` files under `dir`, tests excluded. */
function declarations(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarations(path);
    return entry.name.endsWith('.d.ts') && !entry.name.endsWith('.test.d.ts') ? [path] : [];
  });
}

/** The settings types written out from their JSON schemas, so the package needs no TypeBox. */
async function settingsTypes() {
  const schemas = await import(join(protocolDist, 'settings.js'));
  const lines = ['// Written by build.mjs from the settings schemas of @livecomments/protocol.'];
  // Every `X = Static<typeof XSchema>` of the declarations is written out from its schema; the
  // other type aliases (`keyof X` and the like) are copied as they are.
  const declared = readFileSync(join(protocolDist, 'settings.d.ts'), 'utf8');
  for (const [, name, body] of declared.matchAll(/^export type (\w+) = (.*);$/gm)) {
    const fromSchema = body === `Static<typeof ${name}Schema>` && schemas[`${name}Schema`];
    lines.push(`export type ${name} = ${fromSchema ? typeOf(schemas[`${name}Schema`], '') : body};`);
  }
  return `${lines.join('\n')}\n`;
}

/** A TypeScript type for one JSON schema (the subset the settings use). */
function typeOf(schema, indent) {
  if (schema.anyOf) return schema.anyOf.map((s) => typeOf(s, indent)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  switch (schema.type) {
    case 'integer':
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'array':
      return `${typeOf(schema.items, indent)}[]`;
    case 'object': {
      const required = new Set(schema.required ?? []);
      const inner = `${indent}  `;
      const props = Object.entries(schema.properties).map(([key, value]) => {
        const doc = value.description ? `${inner}/** ${value.description.replaceAll('*/', '*\\/')} */\n` : '';
        return `${doc}${inner}${key}${required.has(key) ? '' : '?'}: ${typeOf(value, inner)};`;
      });
      return `{\n${props.join('\n')}\n${indent}}`;
    }
    default:
      throw new Error(`client build: no type for schema ${JSON.stringify(schema)}`);
  }
}
