import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEFAULTS, loadConfig } from './config.js';

test('defaults: embedded, dev tokens on', () => {
  const config = loadConfig({});
  assert.deepEqual(config, DEFAULTS);
  assert.equal(config.port, 8080);
  assert.equal(config.devTokens, true);
});

test('a secret or JWKS URL turns dev tokens off unless asked for', () => {
  assert.equal(loadConfig({ LC_JWT_SECRET: 's'.repeat(32) }).devTokens, false);
  assert.equal(loadConfig({ LC_JWKS_URL: 'https://id.example/jwks.json' }).devTokens, false);
  assert.equal(loadConfig({ LC_JWT_SECRET: 's'.repeat(32), LC_DEV_TOKENS: 'true' }).devTokens, true);
});

test('values are parsed and checked', () => {
  const config = loadConfig({
    PORT: '9000',
    LC_FLUSH_MS: '0',
    REDIS_URL: 'redis://127.0.0.1:6379',
    DATABASE_URL: 'postgres://u@h/db',
    LC_TRUST_PROXY: 'yes',
    LC_DRAIN_MS: '2500',
    UNRELATED: 'x',
  });
  assert.equal(config.drainMs, 2500);
  assert.equal(config.port, 9000);
  assert.equal(config.flushMs, 0);
  assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
  assert.equal(config.trustProxy, true);
  for (const [env, message] of [
    [{ PORT: '80a' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between/],
    [{ LC_JWT_SECRET: 'short' }, /at least 32/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must use postgres/],
    [{ REDIS_URL: 'not a url' }, /not a valid URL/],
    [{ LC_TRUST_PROXY: 'maybe' }, /true or false/],
    [{ LC_LOG_LEVEL: 'loud' }, /LC_LOG_LEVEL must be one of/],
    [{ LC_SSE_HEARTBEAT_MS: '20000' }, /between 100 and 15000/],
    [{ LC_NOPE: '1' }, /unknown setting LC_NOPE/],
  ] as const) {
    assert.throws(
      () => loadConfig(env as Record<string, string>),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  }
});
