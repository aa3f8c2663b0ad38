import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LoginLockout } from '../../../gateway/login-lockout.js';

describe('LoginLockout', () => {
  it('locks an address after the allowed failures, for any client name', () => {
    const lockout = new LoginLockout(3, 60_000);
    for (const name of ['a', 'b', 'c']) lockout.recordFailure('10.0.0.1', name, 1000);

    assert.equal(lockout.isLocked('10.0.0.1', 'd', 2000), true);
    assert.equal(lockout.isLocked('10.0.0.2', 'd', 2000), false);
  });

  it('locks a client name after failures from several addresses', () => {
    const lockout = new LoginLockout(3, 60_000);
    for (const address of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) lockout.recordFailure(address, 'acme', 1000);

    assert.equal(lockout.isLocked('10.0.0.9', 'acme', 2000), true);
    assert.equal(lockout.isLocked('10.0.0.9', 'other', 2000), false);
  });

  it('lifts the lockout once its time has passed', () => {
    const lockout = new LoginLockout(2, 60_000);
    lockout.recordFailure('10.0.0.1', 'acme', 1000);
    lockout.recordFailure('10.0.0.1', 'acme', 1000);

    assert.equal(lockout.isLocked('10.0.0.1', 'acme', 60_000), true);
    assert.equal(lockout.isLocked('10.0.0.1', 'acme', 61_001), false);
  });

  it('forgets earlier failures after a successful login', () => {
    const lockout = new LoginLockout(2, 60_000);
    lockout.recordFailure('10.0.0.1', 'acme', 1000);
    lockout.recordSuccess('10.0.0.1', 'acme');
    lockout.recordFailure('10.0.0.1', 'acme', 1000);

    assert.equal(lockout.isLocked('10.0.0.1', 'acme', 2000), false);
  });
});
