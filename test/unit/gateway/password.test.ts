import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { dummyPasswordHash, hashPassword, verifyPassword } from '../../../core/password.js';

describe('password hashes', () => {
  it('makes a salted scrypt hash with its cost in the string', async () => {
    const [first, second] = [await hashPassword('s3cret'), await hashPassword('s3cret')];
    assert.match(first, /^scrypt\$ln=\d+,r=\d+,p=\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.notEqual(first, second);
  });

  it('accepts the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('s3cret');
    assert.equal(await verifyPassword('s3cret', hash), true);
    assert.equal(await verifyPassword('s3cret ', hash), false);
    assert.equal(await verifyPassword('', hash), false);
  });

  it('refuses against a malformed or absurdly costly stored hash without throwing', async () => {
    const cases = ['', 'plain', 'scrypt$', 'scrypt$ln=40,r=8,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAA==', 'bcrypt$x'];
    for (const stored of cases) assert.equal(await verifyPassword('s3cret', stored), false);
  });

  it('gives a dummy hash that matches no password a client would type', async () => {
    const dummy = await dummyPasswordHash();
    assert.equal(await verifyPassword('', dummy), false);
    assert.equal(await verifyPassword('password', dummy), false);
  });
});
