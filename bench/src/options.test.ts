import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOptions, recordedCommand, recordedEnv } from './options.js';

test('the token: LC_BENCH_TOKEN by default, --token over it, none unless given', () => {
  assert.equal(parseOptions([]).token, '');
  assert.equal(parseOptions([], { LC_BENCH_TOKEN: 'from-env' }).token, 'from-env');
  assert.equal(parseOptions(['--token', 'from-flag'], { LC_BENCH_TOKEN: 'from-env' }).token, 'from-flag');
  assert.equal(parseOptions(['--token=eq.form']).token, 'eq.form');
  assert.throws(() => parseOptions(['--token']), /--token needs a value/);
});

test('the recorded command hides the token in both forms', () => {
  const line = recordedCommand(['--url', 'http://h:1', '--token', 'secret.jwt', '--rate', '5', '--token=other.jwt']);
  assert.equal(line, 'npm run bench -- --url http://h:1 --token *** --rate 5 --token=***');
  assert.doesNotMatch(line, /secret|other/);
});

test('secret --env values are hidden in the command and the environment recorded', () => {
  const argv = ['--env', 'LC_JWT_SECRET=abc123', '--env=LC_FLUSH_MS=10', '--env=LC_JWT_SECRET=def456'];
  const line = recordedCommand(argv);
  assert.equal(line, 'npm run bench -- --env LC_JWT_SECRET=*** --env=LC_FLUSH_MS=10 --env=LC_JWT_SECRET=***');
  assert.deepEqual(recordedEnv(parseOptions(argv).env), { LC_JWT_SECRET: '***', LC_FLUSH_MS: '10' });
});

test('--deflate and --text: off and filler by default', () => {
  assert.equal(parseOptions([]).deflate, false);
  assert.equal(parseOptions([]).text, 'filler');
  const o = parseOptions(['--deflate', '--text', 'chat']);
  assert.equal(o.deflate, true);
  assert.equal(o.text, 'chat');
  assert.throws(() => parseOptions(['--text', 'lorem']), /--text is filler or chat/);
});

test('--reactions: a rate beside the comments, none by default', () => {
  assert.equal(parseOptions([]).reactions, 0);
  assert.equal(parseOptions(['--reactions', '5000', '--rate', '100']).reactions, 5000);
  assert.throws(() => parseOptions(['--reactions', '-1']), /--reactions must be a number >= 0/);
  assert.equal(parseOptions([]).reactVia, 'ws');
  assert.equal(parseOptions(['--react-via', 'http']).reactVia, 'http');
  assert.throws(() => parseOptions(['--react-via', 'smoke']), /--react-via is http or ws/);
});

test('--target nchan and --compare nchan: parsed, and what Nchan cannot do is refused by name', () => {
  assert.equal(parseOptions([]).target, 'livecomments');
  assert.equal(parseOptions(['--target', 'nchan', '--transport', 'sse']).target, 'nchan');
  assert.equal(parseOptions(['--compare', 'nchan']).compare, 'nchan');
  assert.throws(() => parseOptions(['--target', 'centrifugo']), /--target is livecomments or nchan/);
  assert.throws(() => parseOptions(['--compare', 'livecomments']), /--compare takes nchan/);
  assert.throws(
    () => parseOptions(['--target', 'nchan', '--transport', 'poll']),
    /--target nchan does not take --transport poll/,
  );
  assert.throws(
    () => parseOptions(['--compare', 'nchan', '--post', 'ws', '--reactions', '5']),
    /--compare nchan does not take --post ws .*, --reactions$/,
  );
  assert.throws(() => parseOptions(['--compare', 'nchan', '--idle', '100']), /--idle/);
  assert.throws(() => parseOptions(['--compare', 'nchan', '--target', 'nchan']), /drop --target nchan/);
  assert.equal(parseOptions(['--target', 'nchan', '--idle', '100']).idle, 100);
});
