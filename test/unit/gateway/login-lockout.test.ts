import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LoginLockout, type BanRules } from '../../../gateway/login-lockout.js';

const MINUTE = 60_000;
const RULES: BanRules = {
  clientFailures: 3, addressFailures: 5, firstBanMs: MINUTE, maxBanMs: 4 * MINUTE, neverBan: [],
};

function failTimes(lockout: LoginLockout, count: number, address: string, name: string, atMs: number): void {
  for (let index = 0; index < count; index += 1) lockout.recordFailure(address, name, atMs);
}

describe('LoginLockout', () => {
  it('bans an address after its allowed failures, for any client name', () => {
    const lockout = new LoginLockout(RULES);
    for (const name of ['a', 'b', 'c', 'd', 'e']) lockout.recordFailure('10.0.0.1', name, 1000);

    assert.equal(lockout.isAddressBanned('10.0.0.1', 2000), true);
    assert.equal(lockout.isAddressBanned('::ffff:10.0.0.1', 2000), true);
    assert.equal(lockout.isAddressBanned('10.0.0.2', 2000), false);
  });

  it('bans a client name after failures from several addresses, and no other name', () => {
    const lockout = new LoginLockout(RULES);
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) lockout.recordFailure(address, 'acme', 1000);

    assert.equal(lockout.isClientBanned('acme', 2000), true);
    assert.equal(lockout.isClientBanned('other', 2000), false);
    assert.equal(lockout.isAddressBanned('10.0.0.1', 2000), false);
  });

  it('reports each ban once, with its subject and length', () => {
    const lockout = new LoginLockout(RULES);
    const bans = [1, 2, 3].flatMap(() => lockout.recordFailure('10.0.0.1', 'acme', 1000));

    assert.deepEqual(bans, [{ kind: 'client', subject: 'acme', durationMs: MINUTE, banCount: 1 }]);
  });

  it('doubles each later ban of the same subject, up to the longest ban', () => {
    const lockout = new LoginLockout(RULES);
    const lengths: number[] = [];
    let nowMs = 0;
    for (let round = 0; round < 4; round += 1) {
      const bans = [1, 2, 3].flatMap(() => lockout.recordFailure(`10.0.${round}.1`, 'acme', nowMs));
      lengths.push(bans[0]?.durationMs ?? -1);
      nowMs += (bans[0]?.durationMs ?? 0) + 1;
      assert.equal(lockout.isClientBanned('acme', nowMs), false);
    }

    assert.deepEqual(lengths, [MINUTE, 2 * MINUTE, 4 * MINUTE, 4 * MINUTE]);
  });

  it('lifts a ban once its time has passed', () => {
    const lockout = new LoginLockout(RULES);
    failTimes(lockout, 3, '10.0.0.1', 'acme', 1000);

    assert.equal(lockout.isClientBanned('acme', 1000 + MINUTE - 1), true);
    assert.equal(lockout.isClientBanned('acme', 1000 + MINUTE), false);
  });

  it('forgets failures older than a ban period', () => {
    const lockout = new LoginLockout(RULES);
    failTimes(lockout, 2, '10.0.0.1', 'acme', 1000);
    lockout.recordFailure('10.0.0.1', 'acme', 1000 + 2 * MINUTE);

    assert.equal(lockout.isClientBanned('acme', 1001 + 2 * MINUTE), false);
  });

  it('forgets earlier failures after a successful login', () => {
    const lockout = new LoginLockout(RULES);
    failTimes(lockout, 2, '10.0.0.1', 'acme', 1000);
    lockout.recordSuccess('10.0.0.1', 'acme');
    lockout.recordFailure('10.0.0.1', 'acme', 1000);

    assert.equal(lockout.isClientBanned('acme', 2000), false);
  });

  it('never bans an address on the never-ban list, IPv4 or IPv6, but still bans the name', () => {
    const lockout = new LoginLockout({ ...RULES, neverBan: ['192.0.2.0/24', '2001:db8::/32'] });
    for (const address of ['192.0.2.7', '2001:db8::7']) failTimes(lockout, 6, address, `n-${address}`, 1000);

    assert.equal(lockout.isAddressBanned('192.0.2.7', 2000), false);
    assert.equal(lockout.isAddressBanned('2001:db8::7', 2000), false);
    assert.equal(lockout.isClientBanned('n-192.0.2.7', 2000), true);
  });
});
