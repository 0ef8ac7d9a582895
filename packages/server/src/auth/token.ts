#!/usr/bin/env node
// `npm run token -- --sub u1 --name Alice --role moderator --ttl 1h`: prints a token signed with
// LC_JWT_SECRET (and LC_JWT_ISSUER / LC_JWT_AUDIENCE when set), for nodes that share the secret.
import { parseArgs } from 'node:util';
import { ROLES, type Role } from '@livecomments/protocol';
import { mintToken } from './mint.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'viewer' },
      ttl: { type: 'string', default: '1h' },
    },
  });
  const secret = process.env.LC_JWT_SECRET;
  if (!secret || secret.length < 32) fail("set LC_JWT_SECRET (32+ characters) to the nodes' secret");
  if (!(ROLES as readonly string[]).includes(values.role)) fail(`--role must be one of ${ROLES.join(', ')}`);
  const name = values.name ?? values.sub ?? 'user';
  const token = await mintToken(secret, {
    sub: values.sub ?? `u_${name.toLowerCase().replace(/[^a-z0-9]+/g, '_')}`,
    name,
    role: values.role as Role,
    ttl: values.ttl,
    ...(process.env.LC_JWT_ISSUER ? { issuer: process.env.LC_JWT_ISSUER } : {}),
    ...(process.env.LC_JWT_AUDIENCE ? { audience: process.env.LC_JWT_AUDIENCE } : {}),
  });
  process.stdout.write(`${token}\n`);
}

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n`);
  process.exit(2);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
