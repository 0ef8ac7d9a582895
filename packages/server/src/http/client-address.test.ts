import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { clientAddress, trustFunction } from './client-address.js';

/** A request as node gives it: the socket's peer and the X-Forwarded-For header. */
function req(peer: string, forwarded?: string): IncomingMessage {
  return {
    socket: { remoteAddress: peer },
    headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  } as unknown as IncomingMessage;
}

test('no trust: the socket peer, whatever the header says', () => {
  assert.equal(clientAddress(trustFunction(0), req('10.0.0.1', '1.2.3.4')), '10.0.0.1');
});

test('hop counts take the entry that many hops from the socket', () => {
  const one = trustFunction(1);
  assert.equal(clientAddress(one, req('10.0.0.1', 'forged, 1.2.3.4')), '1.2.3.4');
  assert.equal(clientAddress(one, req('10.0.0.1', '1.2.3.4 ,')), '1.2.3.4', 'empty entries are skipped');
  assert.equal(clientAddress(one, req('10.0.0.1')), '10.0.0.1', 'no header: the peer');
  assert.equal(clientAddress(trustFunction(2), req('10.0.0.1', 'forged, 1.2.3.4, 10.0.0.2')), '1.2.3.4');
  assert.equal(
    clientAddress(trustFunction(5), req('10.0.0.1', '1.2.3.4, 10.0.0.2')),
    '1.2.3.4',
    'short: the left-most',
  );
});

test('proxy lists: the right-most address that is not a listed proxy', () => {
  const trust = trustFunction(['10.0.0.0/8', 'loopback', '2001:db8::/32']);
  assert.equal(clientAddress(trust, req('10.1.2.3', 'forged, 1.2.3.4, 10.9.9.9')), '1.2.3.4');
  assert.equal(clientAddress(trust, req('::ffff:127.0.0.1', 'forged, 1.2.3.4')), '1.2.3.4', 'mapped IPv4 peer');
  assert.equal(clientAddress(trust, req('2001:db8::1', '2001:db9::7')), '2001:db9::7');
  assert.equal(clientAddress(trust, req('192.0.2.1', '1.2.3.4')), '192.0.2.1', 'an unlisted peer is the client');
  assert.equal(clientAddress(trust, req('10.0.0.1', 'not-an-ip, 1.2.3.4')), '1.2.3.4');
});
