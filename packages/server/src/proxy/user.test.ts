import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cookiesOf } from './connect.js';
import { avatarUrlOf, MalformedAnswer, readUser } from './user.js';

const NOW = 1_764_000_000_000;

test('a user: name normalised (or the id), member and verified badges only, roles as allowed', () => {
  const { principal, refusedRole } = readUser(
    {
      id: 'u42',
      name: '  Alice\u202e\n Smith ',
      badges: ['verified', 'owner', 'staff', 'member', 'moderator'],
      role: 'viewer',
      followedAt: NOW - 86_400_000,
      avatarUrl: 'https://cdn.example.com/u/42.png?s=64',
    },
    [],
    NOW,
  );
  assert.equal(refusedRole, undefined);
  assert.deepEqual(principal, {
    id: 'u42',
    name: 'Alice Smith',
    role: 'viewer',
    badges: ['member', 'verified'],
    followedAt: NOW - 86_400_000,
    avatarUrl: 'https://cdn.example.com/u/42.png?s=64',
  });
  assert.equal(
    readUser({ id: 'u1', name: '\u200b' }, [], NOW).principal.name,
    'u1',
    'an invisible name falls back to the id',
  );
  assert.equal(readUser({ id: 'u1' }, [], NOW).principal.role, 'viewer');
});

test('a privileged role needs the operator: else it is read as viewer and reported', () => {
  for (const role of ['moderator', 'admin', 'service']) {
    const refused = readUser({ id: 'u1', role }, [], NOW);
    assert.equal(refused.principal.role, 'viewer');
    assert.equal(refused.refusedRole, role);
    const allowed = readUser({ id: 'u1', role }, [role], NOW);
    assert.equal(allowed.principal.role, role);
    assert.equal(allowed.refusedRole, undefined);
  }
  assert.equal(readUser({ id: 'u1', role: 'admin' }, ['moderator'], NOW).principal.role, 'viewer');
});

test('a malformed user fails the answer', () => {
  for (const user of [null, 'u1', [], { id: '' }, { id: 7 }, { id: 'x'.repeat(201) }, { id: 'u1', role: 'owner' }]) {
    assert.throws(() => readUser(user, ['moderator'], NOW), MalformedAnswer, JSON.stringify(user));
  }
});

test('followedAt: a whole number of ms, not in the future (5 minutes of skew allowed); else dropped', () => {
  const at = (followedAt: unknown) => readUser({ id: 'u1', followedAt }, [], NOW).principal.followedAt;
  assert.equal(at(0), 0);
  assert.equal(at(NOW + 60_000), NOW + 60_000);
  for (const bad of [NOW + 600_000, -1, 1.5, '1700000000000', null, Number.NaN]) assert.equal(at(bad), undefined);
});

test('avatarUrl: https only, no credentials, at most 512 characters as written by the URL parser', () => {
  assert.equal(avatarUrlOf('https://cdn.example.com/a.png'), 'https://cdn.example.com/a.png');
  assert.equal(avatarUrlOf('https://CDN.example.com/a b.png'), 'https://cdn.example.com/a%20b.png');
  for (const bad of [
    'http://cdn.example.com/a.png',
    'javascript:alert(1)',
    'data:image/png;base64,AAAA',
    'https://user:pw@cdn.example.com/a.png',
    `https://cdn.example.com/${'a'.repeat(500)}`,
    '/relative.png',
    42,
    undefined,
  ]) {
    assert.equal(avatarUrlOf(bad), undefined, String(bad));
  }
  // Under the bound as sent, over it once percent-encoded.
  assert.equal(avatarUrlOf(`https://cdn.example.com/${' a'.repeat(240)}`), undefined);
});

test('cookies: only the allowed names, the first of a name, values as sent', () => {
  const header = 'theme=dark; sid=abc%3D; other=1; sid=second; __proto__=x; broken; token= t ';
  // As sent to the app (JSON); `__proto__` is a plain name there, never the object's prototype.
  const found = cookiesOf(header, ['sid', 'token', '__proto__']);
  assert.equal(JSON.stringify(found), '{"sid":"abc%3D","__proto__":"x","token":"t"}');
  assert.equal(Object.getPrototypeOf(found), null);
  assert.deepEqual({ ...cookiesOf(header, []) }, {});
  assert.deepEqual({ ...cookiesOf(undefined, ['sid']) }, {});
});
