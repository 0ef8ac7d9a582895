#!/usr/bin/env node
// Bundles the pages (web/src/*.ts, using the client SDK) with esbuild into web/dist/public,
// beside the HTML and the stylesheet, for the server to serve. Run after `tsc -b`.
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist', 'public');
mkdirSync(join(out, 'assets'), { recursive: true });

await build({
  entryPoints: { home: 'src/home.ts', viewer: 'src/viewer.ts', mod: 'src/mod.ts' },
  absWorkingDir: here,
  bundle: true,
  format: 'esm',
  splitting: true,
  target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
  outdir: join(out, 'assets'),
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
});
for (const name of ['index.html', 'event.html', 'mod.html']) cpSync(join(here, 'static', name), join(out, name));
for (const name of ['styles.css', 'icon.svg']) cpSync(join(here, 'static', name), join(out, 'assets', name));
