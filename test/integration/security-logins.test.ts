import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { KEY_CLIENT, OTHER_CLIENT, SecurityHarness } from '../support/security-harness.js';
import { TEST_PASSWORD } from '../support/test-secrets.js';

// Loopback addresses stand in for remote ones: Linux routes all of 127.0.0.0/8 to lo.
const ATTACKER = '127.0.0.2';
const BYSTANDER = '127.0.0.3';
const MONITOR = '127.0.0.4';
const OFFICE = '127.0.0.5';
const ELSEWHERE = '127.0.0.6';

describe('brute-force bans and address allow lists', () => {
  let harness: SecurityHarness;

  before(async () => {
    harness = await SecurityHarness.start({
      config: {
        limits: { loginFailuresBeforeLockout: 4, lockoutMs: 10 * 60_000 },
        security: { addressFailuresBeforeBan: 3, neverBan: [`${MONITOR}/32`] },
      },
      extraClients: [
        { id: 'gamma' }, { id: 'delta' }, { id: 'epsilon' },
        { id: 'office', allowFrom: [`${OFFICE}/32`, '2001:db8::/32'] },
      ],
    });
  });
  after(async () => {
    await harness.close();
  });

  it('bans an address after its failures and says so in one log line per ban, without the password', async () => {
    for (const guess of ['guess-1', 'guess-2', 'guess-3']) {
      assert.equal(await harness.passwordLogin('gamma', guess, ATTACKER), 'refused');
    }

    const bans = harness.logged('login ban imposed');
    assert.equal(bans.length, 1);
    assert.equal(bans[0]?.remoteAddress, ATTACKER);
    assert.equal(bans[0]?.client, 'gamma');
    assert.equal(bans[0]?.bannedKind, 'address');
    assert.equal(bans[0]?.durationMs, 10 * 60_000);
    assert.equal(bans[0]?.level, 'warn');
    assert.ok(harness.logLines.every((line) => !line.includes('guess-') && !line.includes(TEST_PASSWORD)));
  });

  it('turns a banned address away on connection, before any SSH or login work', async () => {
    const { received } = harness.rawTcp(ATTACKER);
    const text = await received;

    assert.match(text, /^Airlock: too many failed logins/);
    assert.ok(!text.includes('SSH-'), 'no SSH identification was sent, so no key exchange or login can start');
    const refusals = harness.logged('connection refused');
    assert.deepEqual(refusals.map((entry) => [entry.remoteAddress, entry.reason]), [[ATTACKER, 'address-banned']]);
  });

  it('refuses the banned address even the right password, and lets other addresses log in', async () => {
    assert.equal(await harness.passwordLogin(OTHER_CLIENT, TEST_PASSWORD, ATTACKER), 'closed');
    assert.equal(await harness.passwordLogin('gamma', TEST_PASSWORD, BYSTANDER), 'accepted');
    assert.equal(await harness.passwordLogin(OTHER_CLIENT, TEST_PASSWORD, BYSTANDER), 'accepted');
  });

  it('bans a client name guessed at from many addresses, and only that name', async () => {
    const addresses = ['127.0.1.1', '127.0.1.2', '127.0.1.3', '127.0.1.4'];
    for (const address of addresses) assert.equal(await harness.passwordLogin('delta', 'wrong', address), 'refused');

    assert.equal(await harness.passwordLogin('delta', TEST_PASSWORD, BYSTANDER), 'refused');
    assert.equal(await harness.passwordLogin('epsilon', TEST_PASSWORD, BYSTANDER), 'accepted');
    const clientBans = harness.logged('login ban imposed').filter((entry) => entry.bannedKind === 'client');
    assert.deepEqual(clientBans.map((entry) => entry.client), ['delta']);
    assert.ok(harness.logged('login refused during lockout').some((entry) => entry.client === 'delta'));
  });

  it('never bans an address on the never-ban list, though it logs each failure', async () => {
    const before = harness.logged('login failed').length;
    for (const guess of ['a', 'b', 'c', 'd']) {
      assert.equal(await harness.passwordLogin(`nobody-${guess}`, guess, MONITOR), 'refused');
    }

    assert.equal(harness.logged('login failed').length, before + 4);
    assert.equal(await harness.passwordLogin(KEY_CLIENT, TEST_PASSWORD, MONITOR), 'accepted');
  });

  it('refuses a client outside its allow list like a wrong password, and logs why', async () => {
    assert.equal(await harness.passwordLogin('office', TEST_PASSWORD, ELSEWHERE), 'refused');
    assert.equal(await harness.passwordLogin('office', TEST_PASSWORD, OFFICE), 'accepted');

    const outside = harness.logged('login refused from outside the allow list');
    assert.deepEqual(outside.map((entry) => [entry.client, entry.remoteAddress]), [['office', ELSEWHERE]]);
    const failures = harness.logged('login failed').filter((entry) => entry.client === 'office');
    assert.deepEqual(failures.map((entry) => entry.remoteAddress), [ELSEWHERE]);
  });

  it('logs each successful login with client, address and method', () => {
    const successes = harness.logged('login succeeded');
    assert.ok(successes.some((entry) => entry.client === 'office' && entry.remoteAddress === OFFICE && entry.method === 'password'));
  });
});
