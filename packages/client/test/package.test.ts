// The published package as an app developer gets it: `npm pack`, installed from the tarball into
// an empty folder, its README's Node quick start run against a real server, CommonJS and types.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { startServer, type TestServer } from './harness.js';
import { type PackedApp, packAndInstall, readmeBlock } from './packed.js';

const run = promisify(execFile);
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

describe('the packed client package', () => {
  let app: PackedApp;
  let server: TestServer;

  before(async () => {
    [app, server] = await Promise.all([packAndInstall(), startServer()]);
  });
  after(async () => {
    app?.cleanup();
    await server?.close();
  });

  test('holds the builds, the declarations and the README, and nothing else', () => {
    for (const path of [
      'package.json',
      'README.md',
      'dist/pkg/index.js',
      'dist/pkg/index.cjs',
      'dist/pkg/livecomments.min.js',
      'dist/types/index.d.ts',
      'dist/types/protocol/index.d.ts',
      'dist/types/protocol/settings.d.ts',
    ]) {
      assert.ok(app.files.includes(path), `${path} is in the tarball`);
    }
    assert.deepEqual(
      app.files.filter((f) => !/^(package\.json|README\.md|dist\/pkg\/|dist\/types\/)/.test(f)),
      [],
    );
    assert.ok(!app.files.some((f) => f.endsWith('.test.d.ts') || f.includes('/test/')));
    const manifest = JSON.parse(readFileSync(join(app.packageDir, 'package.json'), 'utf8'));
    assert.equal(manifest.private, undefined);
    assert.equal(manifest.sideEffects, false);
    assert.equal(manifest.dependencies, undefined, 'no runtime dependencies');
    assert.deepEqual(Object.keys(manifest.exports['.']), ['types', 'import', 'require']);
    // No declaration still points at the unpublished protocol package or at TypeBox.
    for (const file of app.files.filter((f) => f.endsWith('.d.ts'))) {
      const text = readFileSync(join(app.packageDir, file), 'utf8');
      assert.doesNotMatch(text, /(from |import\()['"](@livecomments\/protocol|@sinclair\/typebox)/, file);
    }
  });

  test("the README's Node quick start runs against a real server and prints the comment", async () => {
    const code = readmeBlock(join(app.packageDir, 'README.md'), 'Quick start: Node', 'js');
    writeFileSync(join(app.dir, 'quickstart.mjs'), code);
    const { stdout } = await run(process.execPath, ['quickstart.mjs', server.url], { cwd: app.dir, timeout: 30_000 });
    assert.match(stdout, /^live on (ws|sse), event \S+$/m);
    assert.match(stdout, /^post published$/m);
    assert.match(stdout, /^node-bot: Hello from Node!$/m);
  });

  test('require() gets the CommonJS build', async () => {
    const script = `const c = require('@livecomments/client');
      console.log([typeof c.connect, typeof c.LiveCommentsApi, new c.UnauthorizedError() instanceof c.ApiError].join());`;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: app.dir });
    assert.equal(stdout.trim(), 'function,function,true');
  });

  test('the types check strictly, and a misspelt error code in a switch does not compile', async () => {
    const config = {
      compilerOptions: {
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        noEmit: true,
        skipLibCheck: false,
        types: [],
        lib: ['es2022', 'dom'],
      },
    };
    const use = (code: string) => `import { connect, type ClientErrorCode, type Comment, type Entry, type ErrorBody,
  type ErrorCode, type LiveEvent, UnauthorizedError } from '@livecomments/client';
const live = connect('evt', { baseUrl: 'http://localhost:8080', getToken: async () => 'token' });
live.on('comment', (comment: Comment, entry: Entry) => console.log(comment.text, entry.seq));
live.on('attemptFailed', (f) => console.log(f.code, f.attempt, f.nextRetryMs));
export const events: LiveEvent[] = [];
export const body: ErrorBody | undefined = undefined;
export const unauthorized: ErrorCode = new UnauthorizedError().code;
export function label(code: ClientErrorCode): string {
  switch (code) {
    case ${code}:
      return 'wait';
    default:
      return code;
  }
}
`;
    writeFileSync(join(app.dir, 'tsconfig.json'), JSON.stringify({ ...config, files: ['good.ts'] }));
    writeFileSync(join(app.dir, 'good.ts'), use("'rate_limited'"));
    await run(process.execPath, [TSC, '-p', '.'], { cwd: app.dir });
    writeFileSync(join(app.dir, 'tsconfig.json'), JSON.stringify({ ...config, files: ['bad.ts'] }));
    writeFileSync(join(app.dir, 'bad.ts'), use("'rate_limitd'"));
    const failed = await run(process.execPath, [TSC, '-p', '.'], { cwd: app.dir }).then(
      () => '',
      (err: { stdout: string }) => err.stdout,
    );
    assert.match(failed, /bad\.ts.*TS2678/);
    assert.equal(failed.trim().split('\n').length, 1, failed);
  });
});
