// deploy/compose.yaml and deploy/nginx.conf: three nodes, Redis, PostgreSQL and nginx, wired so
// that every node's settings are ones the server accepts and nginx balances over exactly the nodes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadConfig } from '../src/config/config.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const DEPLOY = join(ROOT, 'deploy');

/** Compose's variable interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error}. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_all, name: string, op?: string, arg?: string) => {
    const value = env[name];
    if (value) return value;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? (arg ?? '') : '';
  });
}

const source = readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8');
const SECRET = 'x'.repeat(40);
const compose = parse(interpolate(source, { LC_JWT_SECRET: SECRET }), { merge: true });
const services = compose.services as Record<string, any>;
const nodes = ['node1', 'node2', 'node3'];

describe('compose file', () => {
  test('three nodes, nginx, PostgreSQL and Redis', () => {
    assert.deepEqual(Object.keys(services).sort(), ['nginx', 'node1', 'node2', 'node3', 'postgres', 'redis']);
    assert.throws(() => interpolate(source, {}), /LC_JWT_SECRET/, 'a missing secret stops compose');
  });

  test('every node builds the Dockerfile and starts with settings the server accepts', () => {
    assert.ok(existsSync(join(DEPLOY, services.node1.build.context, services.node1.build.dockerfile)));
    for (const name of nodes) {
      const node = services[name];
      assert.equal(node.image, services.node1.image, `${name} runs the same image`);
      const env = node.environment as Record<string, string> & { DATABASE_URL: string; REDIS_URL: string };
      // The server's own parser: an unknown or malformed LC_* setting would throw here.
      const config = loadConfig(env);
      assert.equal(config.jwtSecret, SECRET);
      assert.equal(config.devTokens, false);
      assert.equal(config.trustProxy, 1, 'trusts nginx as one hop');
      assert.equal(new URL(env.DATABASE_URL).hostname, 'postgres');
      assert.equal(new URL(env.REDIS_URL).hostname, 'redis');
      assert.deepEqual(node.depends_on.postgres, { condition: 'service_healthy' });
      assert.deepEqual(node.depends_on.redis, { condition: 'service_healthy' });
      // Compose's SIGKILL must come after the drain bound.
      assert.ok(Number.parseInt(node.stop_grace_period, 10) * 1000 > config.drainMs, `${name} grace > LC_DRAIN_MS`);
      assert.match(node.volumes[0], new RegExp(`^${name}-data:/data$`), 'its own data volume');
      assert.ok(`${name}-data` in compose.volumes);
    }
    const { POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB } = services.postgres.environment;
    const db = new URL(services.node1.environment.DATABASE_URL);
    assert.deepEqual([db.username, db.password, db.pathname], [POSTGRES_USER, POSTGRES_PASSWORD, `/${POSTGRES_DB}`]);
    assert.ok(services.postgres.healthcheck && services.redis.healthcheck, 'the stores have health checks');
  });

  test("nginx balances over exactly the nodes, with the deployment guide's streaming settings", () => {
    const mount = (services.nginx.volumes as string[]).find((v) => v.endsWith(':/etc/nginx/nginx.conf:ro'));
    assert.ok(mount);
    const conf = readFileSync(join(DEPLOY, mount.split(':')[0]!), 'utf8');
    const upstream = /upstream livecomments \{([^}]*)\}/.exec(conf)?.[1] ?? '';
    const servers = [...upstream.matchAll(/server ([a-z0-9]+):([0-9]+)/g)].map((m) => `${m[1]}:${m[2]}`);
    assert.deepEqual(
      servers,
      nodes.map((n) => `${n}:${services[n].environment.PORT}`),
    );
    assert.match(upstream, /least_conn/);
    assert.match(conf, /location ~ \^\/v1\/events\/\[\^\/\]\+\/ws\$ \{[^}]*proxy_set_header Upgrade \$http_upgrade/);
    assert.match(conf, /\(stream\|poll\)\$ \{[^}]*proxy_buffering off/);
    assert.match(conf, /proxy_next_upstream error timeout http_503/);
    assert.deepEqual(services.nginx.depends_on, nodes);
    // The braces balance: a truncated edit would not pass nginx -t.
    assert.equal((conf.match(/\{/g) ?? []).length, (conf.match(/\}/g) ?? []).length);
  });
});
