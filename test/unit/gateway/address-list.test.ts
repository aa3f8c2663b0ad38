import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { isCidr } from '../../../config/security-schema.js';
import { AddressList } from '../../../gateway/address-list.js';

describe('AddressList', () => {
  const list = new AddressList(['192.0.2.0/24', '198.51.100.7', '2001:db8:1::/48', '::1']);

  for (const [address, expected] of [
    ['192.0.2.1', true],
    ['192.0.2.255', true],
    ['192.0.3.1', false],
    ['198.51.100.7', true],
    ['198.51.100.8', false],
    ['::ffff:192.0.2.9', true],
    ['2001:db8:1:ffff::1', true],
    ['2001:db8:2::1', false],
    ['::1', true],
    ['127.0.0.1', false],
    ['not an address', false],
  ] as const) {
    it(`${expected ? 'holds' : 'does not hold'} ${address}`, () => {
      assert.equal(list.has(address), expected);
    });
  }
});

describe('isCidr', () => {
  for (const [text, expected] of [
    ['10.0.0.0/8', true], ['10.0.0.1', true], ['::/0', true], ['2001:db8::/129', false],
    ['10.0.0.0/33', false], ['10.0.0.0/', false], ['10.0.0.0/8/8', false], ['example.com', false],
    ['10.0.0.0/-1', false], ['10.0.0.256', false],
  ] as const) {
    it(`${expected ? 'accepts' : 'rejects'} "${text}"`, () => {
      assert.equal(isCidr(text), expected);
    });
  }
});
