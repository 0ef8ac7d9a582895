import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { test } from 'node:test';
import { ConfigError, DEFAULTS, loadConfig } from './config.js';

test('defaults: embedded, dev tokens on', () => {
  const config = loadConfig({});
  assert.deepEqual(config, DEFAULTS);
  assert.equal(config.port, 8080);
  assert.equal(config.devTokens, true);
});

test('a secret or JWKS URL turns dev tokens off and binds all interfaces', () => {
  assert.equal(loadConfig({}).host, 'localhost', 'dev tokens on: loopback only');
  const secret = loadConfig({ LC_JWT_SECRET: 's'.repeat(32) });
  assert.equal(secret.devTokens, false);
  assert.equal(secret.host, '0.0.0.0');
  assert.equal(loadConfig({ LC_JWKS_URL: 'https://id.example/jwks.json' }).devTokens, false);
  assert.equal(loadConfig({ LC_DEV_TOKENS: 'off' }).host, '0.0.0.0');
  assert.equal(loadConfig({ HOST: '10.0.0.5' }).host, '10.0.0.5');
  assert.equal(loadConfig({ LC_JWT_SECRET: 's'.repeat(32), LC_DEV_TOKENS: 'false' }).devTokens, false);
});

test('dev tokens beside a real secret or JWKS URL are a configuration error', () => {
  for (const env of [
    { LC_JWT_SECRET: 's'.repeat(32), LC_DEV_TOKENS: 'true' },
    { LC_JWKS_URL: 'https://id.example/jwks.json', LC_DEV_TOKENS: '1' },
  ]) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof ConfigError && /LC_DEV_TOKENS cannot be on/.test(e.message),
    );
  }
});

test('token checks: exp required by default, issuer and audience when set', () => {
  assert.equal(loadConfig({}).jwtRequireExp, true);
  const config = loadConfig({ LC_JWT_ISSUER: 'https://id.example', LC_JWT_AUDIENCE: 'live', LC_JWT_REQUIRE_EXP: 'no' });
  assert.equal(config.jwtIssuer, 'https://id.example');
  assert.equal(config.jwtAudience, 'live');
  assert.equal(config.jwtRequireExp, false);
});

test('locale variables (LC_ALL, LC_CTYPE, ...) are not ours and are ignored', () => {
  const config = loadConfig({ LC_ALL: 'C.UTF-8', LC_CTYPE: 'en_US.UTF-8', LC_MESSAGES: 'C', LC_TIME: 'de_DE' });
  assert.deepEqual(config, DEFAULTS);
});

test('values are parsed and checked', () => {
  const config = loadConfig({
    PORT: '9000',
    LC_FLUSH_MS: '0',
    REDIS_URL: 'redis://127.0.0.1:6379',
    DATABASE_URL: 'postgres://u@h/db',
    LC_TRUST_PROXY: 'yes',
    LC_USER_RATE_PER_MINUTE: '0',
    LC_EVENTS_PER_HOUR: '5',
    LC_DRAIN_MS: '2500',
    UNRELATED: 'x',
  });
  assert.equal(config.userRatePerMinute, 0);
  assert.equal(config.eventsPerHour, 5);
  assert.equal(config.drainMs, 2500);
  assert.equal(config.port, 9000);
  assert.equal(config.flushMs, 0);
  assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
  assert.equal(config.trustProxy, 1, 'yes is one hop: the right-most X-Forwarded-For entry');
  assert.equal(loadConfig({ LC_TRUST_PROXY: '2' }).trustProxy, 2);
  assert.equal(loadConfig({ LC_TRUST_PROXY: 'false' }).trustProxy, 0);
  assert.deepEqual(loadConfig({ LC_TRUST_PROXY: '10.0.0.0/8, ::1,loopback' }).trustProxy, [
    '10.0.0.0/8',
    '::1',
    'loopback',
  ]);
  assert.equal(loadConfig({ LC_REQUEST_TIMEOUT_MS: '0' }).requestTimeoutMs, 0);
  for (const [env, message] of [
    [{ PORT: '80a' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between/],
    [{ LC_JWT_SECRET: 'short' }, /at least 32/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must use postgres/],
    [{ REDIS_URL: 'not a url' }, /not a valid URL/],
    [{ LC_TRUST_PROXY: 'maybe' }, /LC_TRUST_PROXY must be true, false, a hop count/],
    [{ LC_TRUST_PROXY: '10.0.0.0/33' }, /"10.0.0.0\/33"/],
    [{ LC_TRUST_PROXY: '10.0.0.1,proxy.example' }, /"proxy.example"/],
    [{ LC_HEADERS_TIMEOUT_MS: '5000', LC_REQUEST_TIMEOUT_MS: '1000' }, /must not exceed LC_REQUEST_TIMEOUT_MS/],
    [{ LC_LOG_LEVEL: 'loud' }, /LC_LOG_LEVEL must be one of/],
    [{ LC_SSE_HEARTBEAT_MS: '20000' }, /between 100 and 15000/],
    [{ LC_NOPE: '1' }, /unknown setting LC_NOPE/],
    [{ LC_EVENTS_PER_HOUR: '-1' }, /LC_EVENTS_PER_HOUR must be a whole number/],
  ] as const) {
    assert.throws(
      () => loadConfig(env as Record<string, string>),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  }
});

test("the test suite's LC_TEST_* variables are no node settings, so nodes it starts ignore them", () => {
  const config = loadConfig({ LC_TEST_DATABASE_URL: 'postgres://x@127.0.0.1:1/test', LC_TEST_REDIS_URL: 'redis://x' });
  assert.equal(config.databaseUrl, loadConfig({}).databaseUrl);
  assert.throws(() => loadConfig({ LC_TESTING: '1' }), /unknown setting LC_TESTING/);
});

test('LC_ALLOWED_ORIGINS: exact origins, written as browsers send them; anything else is an error', () => {
  assert.deepEqual(loadConfig({}).allowedOrigins, [], 'default: the node’s own origin only');
  const config = loadConfig({
    LC_ALLOWED_ORIGINS: 'https://Shop.example, http://127.0.0.2:8080,https://shop.example:443',
  });
  assert.deepEqual(config.allowedOrigins, ['https://shop.example', 'http://127.0.0.2:8080']);
  for (const bad of [
    '*',
    'shop.example',
    'https://shop.example/path',
    'ftp://x.example',
    'https://a.example:99999',
    'null',
  ]) {
    assert.throws(
      () => loadConfig({ LC_ALLOWED_ORIGINS: bad }),
      (e: unknown) => e instanceof ConfigError && /LC_ALLOWED_ORIGINS/.test(e.message),
      bad,
    );
  }
});

test('LC_EMOTE_HOSTS: host names only; none by default (emotes are uploads)', () => {
  assert.deepEqual(loadConfig({}).emoteHosts, []);
  assert.deepEqual(loadConfig({ LC_EMOTE_HOSTS: 'cdn.example.com, static-cdn.jtvnw.net' }).emoteHosts, [
    'cdn.example.com',
    'static-cdn.jtvnw.net',
  ]);
  for (const bad of ['https://cdn.example.com', 'cdn.example.com/emotes', 'CDN.example.com', 'a b', '*.example.com']) {
    assert.throws(
      () => loadConfig({ LC_EMOTE_HOSTS: bad }),
      (e: unknown) => e instanceof ConfigError && /LC_EMOTE_HOSTS/.test(e.message),
      bad,
    );
  }
});

test('the classifier hook: an http(s) URL, a time budget and batch bounds', () => {
  assert.equal(loadConfig({}).moderationUrl, undefined);
  const config = loadConfig({
    LC_MODERATION_URL: 'http://127.0.0.1:9000/classify',
    LC_MODERATION_TIMEOUT_MS: '80',
    LC_MODERATION_BATCH_MS: '0',
    LC_MODERATION_MAX_BATCH: '64',
  });
  assert.equal(config.moderationUrl, 'http://127.0.0.1:9000/classify');
  assert.deepEqual([config.moderationTimeoutMs, config.moderationBatchMs, config.moderationMaxBatch], [80, 0, 64]);
  assert.throws(() => loadConfig({ LC_MODERATION_URL: 'ftp://x/y' }), /LC_MODERATION_URL/);
  assert.throws(() => loadConfig({ LC_MODERATION_TIMEOUT_MS: '0' }), /LC_MODERATION_TIMEOUT_MS/);
});

test('REDIS_URL: one server, or a Redis Cluster by its seed nodes', () => {
  assert.equal(loadConfig({ REDIS_URL: 'redis://10.0.0.1:6379' }).redisCluster, undefined);
  const seeds = loadConfig({ REDIS_URL: 'redis://10.0.0.1:7000, redis://10.0.0.2:7000' });
  assert.equal(seeds.redisUrl, 'redis://10.0.0.1:7000,redis://10.0.0.2:7000');
  assert.equal(seeds.redisCluster, true, 'several nodes are a cluster');
  assert.equal(loadConfig({ REDIS_URL: 'redis://10.0.0.1:7000', LC_REDIS_CLUSTER: 'true' }).redisCluster, true);
  for (const [env, message] of [
    [{ REDIS_URL: 'redis://a:1,http://b:2' }, /REDIS_URL/],
    [{ REDIS_URL: 'redis://a:1,redis://b:2', LC_REDIS_CLUSTER: 'false' }, /several nodes/],
    [{ LC_REDIS_CLUSTER: 'true' }, /needs REDIS_URL/],
  ] as const) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
    );
  }
});

test('tracing: off without an OTLP endpoint; the traces URL and the sample share are checked', () => {
  assert.equal(loadConfig({}).otlpTracesUrl, undefined);
  assert.equal(loadConfig({}).traceSample, 0.01);
  assert.equal(
    loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).otlpTracesUrl,
    'http://collector:4318/v1/traces',
  );
  const both = loadConfig({
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/traces',
    LC_TRACE_SAMPLE: '0.25',
  });
  assert.equal(both.otlpTracesUrl, 'http://other:4318/traces');
  assert.equal(both.traceSample, 0.25);
  for (const bad of ['2', '-0.1', 'half', '1e-3']) {
    assert.throws(
      () => loadConfig({ LC_TRACE_SAMPLE: bad }),
      (e: unknown) => e instanceof ConfigError && /LC_TRACE_SAMPLE/.test(e.message),
      bad,
    );
  }
});

test('proxy settings: the connect and post proxies with their budget, cache, forwarded names and policies', () => {
  const config = loadConfig({
    LC_PROXY_CONNECT_URL: 'https://app.example/lc/connect',
    LC_PROXY_POST_URL: 'https://app.example/lc/post',
    LC_PROXY_TIMEOUT_MS: '800',
    LC_PROXY_CACHE_MS: '60000',
    LC_PROXY_CACHE_SIZE: '5000',
    LC_PROXY_HEADERS: 'X-App-Session, x-app-session,x-tenant',
    LC_PROXY_COOKIES: 'sid,__Host-session',
    LC_PROXY_ROLES: 'moderator',
    LC_PROXY_CONNECT_FAIL: 'open',
    LC_PROXY_POST_FAIL: 'closed',
    LC_PROXY_SECRET: 'p'.repeat(32),
  });
  assert.equal(config.proxyConnectUrl, 'https://app.example/lc/connect');
  assert.equal(config.proxyPostUrl, 'https://app.example/lc/post');
  assert.equal(config.proxyTimeoutMs, 800);
  assert.equal(config.proxyCacheMs, 60_000);
  assert.equal(config.proxyCacheSize, 5000);
  assert.deepEqual(config.proxyHeaders, ['x-app-session', 'x-tenant'], 'lower case, each once');
  assert.deepEqual(config.proxyCookies, ['sid', '__Host-session'], 'cookie names keep their case');
  assert.deepEqual(config.proxyRoles, ['moderator']);
  assert.equal(config.proxyConnectFail, 'open');
  assert.equal(config.proxyPostFail, 'closed');
  const defaults = loadConfig({});
  assert.equal(defaults.proxyTimeoutMs, 500);
  assert.equal(defaults.proxyConnectFail, 'closed');
  assert.equal(defaults.proxyPostFail, 'closed');
  assert.deepEqual(defaults.proxyRoles, []);
  assert.equal(
    loadConfig({ LC_PROXY_CONNECT_URL: 'http://127.0.0.1:3000/c', LC_PROXY_CONNECT_ALWAYS: 'true' }).proxyConnectAlways,
    true,
  );
});

test('proxy settings that cannot work stop the start, naming the variable', () => {
  const connect = { LC_PROXY_CONNECT_URL: 'https://app.example/c' };
  const cases: [Record<string, string>, RegExp][] = [
    [{ LC_PROXY_CONNECT_URL: 'ftp://app.example/c', LC_PROXY_COOKIES: 'sid' }, /LC_PROXY_CONNECT_URL must use/],
    [connect, /LC_PROXY_CONNECT_URL needs LC_PROXY_HEADERS or LC_PROXY_COOKIES/],
    [{ LC_PROXY_COOKIES: 'sid' }, /LC_PROXY_COOKIES needs LC_PROXY_CONNECT_URL/],
    [{ LC_PROXY_ROLES: 'moderator' }, /LC_PROXY_ROLES needs LC_PROXY_CONNECT_URL/],
    [{ LC_PROXY_POST_FAIL: 'open' }, /LC_PROXY_POST_FAIL needs LC_PROXY_POST_URL/],
    [{ LC_PROXY_TIMEOUT_MS: '100' }, /LC_PROXY_TIMEOUT_MS needs/],
    [{ ...connect, LC_PROXY_HEADERS: 'cookie' }, /cannot name cookie/],
    [{ ...connect, LC_PROXY_HEADERS: 'Authorization' }, /cannot name authorization/],
    [{ ...connect, LC_PROXY_HEADERS: 'host' }, /cannot name host/],
    [{ ...connect, LC_PROXY_HEADERS: 'sec-websocket-key' }, /cannot name sec-websocket-key/],
    [{ ...connect, LC_PROXY_HEADERS: 'x a' }, /not valid/],
    [{ ...connect, LC_PROXY_COOKIES: 'a=b' }, /not valid/],
    [{ ...connect, LC_PROXY_COOKIES: Array.from({ length: 21 }, (_, i) => `c${i}`).join(',') }, /at most 20/],
    [{ ...connect, LC_PROXY_COOKIES: 'sid', LC_PROXY_ROLES: 'viewer' }, /takes moderator, admin and service/],
    [{ ...connect, LC_PROXY_COOKIES: 'sid', LC_PROXY_CONNECT_FAIL: 'maybe' }, /must be closed or open/],
    [{ ...connect, LC_PROXY_COOKIES: 'sid', LC_PROXY_TIMEOUT_MS: '0' }, /LC_PROXY_TIMEOUT_MS must be between/],
    [{ ...connect, LC_PROXY_COOKIES: 'sid', LC_PROXY_SECRET: 'short' }, /LC_PROXY_SECRET must be at least 32/],
    [{ ...connect, LC_PROXY_COOKIES: 'sid', LC_PROXY_CACHE: '10' }, /unknown setting LC_PROXY_CACHE/],
  ];
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig(env),
      (e: unknown) => e instanceof ConfigError && message.test(e.message),
      JSON.stringify(env),
    );
  }
});

test('LC_WORKERS: one process by default, a count, or auto (one per available core)', () => {
  assert.equal(loadConfig({}).workers, 1);
  assert.equal(loadConfig({ LC_WORKERS: '4' }).workers, 4);
  assert.equal(loadConfig({ LC_WORKERS: 'auto' }).workers, availableParallelism());
  for (const value of ['0', 'two', '-1', '257']) {
    assert.throws(
      () => loadConfig({ LC_WORKERS: value }),
      (e: unknown) => e instanceof ConfigError && /LC_WORKERS/.test(e.message),
    );
  }
});
