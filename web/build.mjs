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
const common = {
  absWorkingDir: here,
  bundle: true,
  target: ['es2022', 'chrome100', 'firefox100', 'safari15'],
  outdir: join(out, 'assets'),
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { home: 'src/home.ts', viewer: 'src/viewer.ts', mod: 'src/mod.ts', 'embed-page': 'src/embed.ts' },
  format: 'esm',
  splitting: true,
});
// The widget script runs on other sites' pages as a classic script (it reads its own URL from
// document.currentScript, which module scripts lack): one file, no imports.
await build({ ...common, entryPoints: { embed: 'src/widget.ts' }, format: 'iife', sourcemap: false });
for (const name of ['index.html', 'event.html', 'mod.html', 'embed.html']) {
  cpSync(join(here, 'static', name), join(out, name));
}
for (const name of ['styles.css', 'embed.css', 'icon.svg'])
  cpSync(join(here, 'static', name), join(out, 'assets', name));
