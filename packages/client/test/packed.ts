// Packs the client with `npm pack` and installs the tarball into a temporary app folder (by
// extracting it: the package has no runtime dependencies, so no registry is needed), for tests
// that use the package exactly as it is published.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The client package's folder (this file runs from dist/test/). */
export const CLIENT_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** A temporary app with the packed client installed in its node_modules. */
export interface PackedApp {
  /** The app folder (remove it with `cleanup`). */
  dir: string;
  /** Where the package was installed: node_modules/@livecomments/client. */
  packageDir: string;
  /** Paths in the tarball. */
  files: string[];
  cleanup(): void;
}

/** Runs `npm pack` on the built client and installs the tarball into a fresh app folder. */
export async function packAndInstall(): Promise<PackedApp> {
  const dir = mkdtempSync(join(tmpdir(), 'lc-client-app-'));
  // The build made dist/; --ignore-scripts packs exactly that (prepack would rebuild it).
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
    cwd: CLIENT_DIR,
  });
  const [info] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (!info) throw new Error('npm pack printed nothing');
  const scope = join(dir, 'node_modules', '@livecomments');
  mkdirSync(scope, { recursive: true });
  await run('tar', ['-xzf', join(dir, info.filename), '-C', scope]);
  renameSync(join(scope, 'package'), join(scope, 'client'));
  return {
    dir,
    packageDir: join(scope, 'client'),
    files: info.files.map((f) => f.path),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The first fenced code block of `lang` under the README heading `heading`. */
export function readmeBlock(readmePath: string, heading: string, lang: string): string {
  const text = readFileSync(readmePath, 'utf8');
  const at = text.indexOf(`\n## ${heading}\n`);
  if (at < 0) throw new Error(`no "## ${heading}" in ${readmePath}`);
  const open = text.indexOf(`\n\`\`\`${lang}\n`, at);
  const close = text.indexOf('\n```\n', open + 1);
  if (open < 0 || close < 0) throw new Error(`no ${lang} block under "## ${heading}"`);
  return text.slice(open + lang.length + 5, close + 1);
}
