import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';

import {
  AccessDeniedException,
  CreateUserCommand,
  DescribeUserCommand,
  ImportSshPublicKeyCommand,
  ListUsersCommand,
  ResourceNotFoundException,
  TransferClient,
  type DescribedUser,
} from '@aws-sdk/client-transfer';
import { mockClient } from 'aws-sdk-client-mock';

import type { ConfigInput } from '../../../config/schema.js';
import { ConfigError } from '../../../core/errors.js';
import { runTransferSync } from '../../../scripts/transfer-sync.js';
import {
  FINGERPRINT_ONE,
  FINGERPRINT_THREE,
  FINGERPRINT_TWO,
  KEY_DSA,
  KEY_ONE,
  KEY_THREE,
  KEY_TWO,
  PASSWORD_HASH,
  ROLE_ARN,
  SERVER_ID,
  testConfig,
} from './transfer-fixtures.js';

// Mocking the class, not just the instance, means no Transfer client made anywhere in this file
// can reach AWS, even one a code path makes by itself.
const transferMock = mockClient(TransferClient);
const transfer = new TransferClient({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

const READ_COMMANDS = new Set(['DescribeUserCommand', 'ListUsersCommand']);

const ACME_MAPPINGS = [
  { Entry: '/inbox', Target: '/airlock-phi/prod/clients/acme/inbox', Type: 'DIRECTORY' },
  { Entry: '/outbox', Target: '/airlock-phi/prod/clients/acme/outbox', Type: 'DIRECTORY' },
];

const ACME_LISTED = ['prod/clients/acme/inbox', 'prod/clients/acme/inbox/*', 'prod/clients/acme/outbox', 'prod/clients/acme/outbox/*'];

const ACME_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'ListClientFolders',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: 'arn:aws:s3:::airlock-phi',
      Condition: { StringLike: { 's3:prefix': ACME_LISTED } },
    },
    {
      Sid: 'UploadToInbox',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: 'arn:aws:s3:::airlock-phi/prod/clients/acme/inbox/*',
    },
    {
      Sid: 'PickUpFromOutbox',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:DeleteObject'],
      Resource: 'arn:aws:s3:::airlock-phi/prod/clients/acme/outbox/*',
    },
  ],
});

const ACME_TAGS = [
  { Key: 'airlock:client', Value: 'acme' },
  { Key: 'team', Value: 'data-intake' },
];

function notFound(userName: string): ResourceNotFoundException {
  const message = `Unknown user ${userName}`;
  return new ResourceNotFoundException({ message, Message: message, Resource: userName, ResourceType: 'User', $metadata: {} });
}

function denied(action: string): AccessDeniedException {
  return new AccessDeniedException({ message: `not authorized to perform transfer:${action}`, $metadata: {} });
}

function serverKey(id: string, body: string): { SshPublicKeyId: string; SshPublicKeyBody: string; DateImported: Date } {
  return { SshPublicKeyId: id, SshPublicKeyBody: body, DateImported: new Date(0) };
}

function imported(body: string): { command: string; input: unknown } {
  return { command: 'ImportSshPublicKeyCommand', input: { ServerId: SERVER_ID, UserName: 'airlock-acme', SshPublicKeyBody: body } };
}

function deleted(id: string): { command: string; input: unknown } {
  return { command: 'DeleteSshPublicKeyCommand', input: { ServerId: SERVER_ID, UserName: 'airlock-acme', SshPublicKeyId: id } };
}

function existingAcme(overrides: Partial<DescribedUser> = {}): DescribedUser {
  return {
    Arn: 'arn:aws:transfer:eu-west-1:123456789012:user/s-0123456789abcdef0/airlock-acme',
    UserName: 'airlock-acme',
    Role: ROLE_ARN,
    HomeDirectoryType: 'LOGICAL',
    HomeDirectoryMappings: ACME_MAPPINGS.map((mapping) => ({ ...mapping, Type: 'DIRECTORY' as const })),
    Policy: JSON.stringify(JSON.parse(ACME_POLICY), null, 2),
    Tags: ACME_TAGS,
    SshPublicKeys: [serverKey('key-0000000000000001', `${KEY_ONE} old-laptop`)],
    ...overrides,
  };
}

function sentCommands(): { command: string; input: unknown }[] {
  return transferMock.calls().map((call) => {
    const command = call.args[0];
    return { command: command.constructor.name, input: command.input };
  });
}

function writeCommands(): { command: string; input: unknown }[] {
  return sentCommands().filter((sent) => !READ_COMMANDS.has(sent.command));
}

type ClientInput = Omit<NonNullable<ConfigInput['clients']>[number], 'profile'>;

async function sync(clients: ClientInput[], dryRun = false): Promise<{ failed: number; lines: string[] }> {
  const lines: string[] = [];
  const config = testConfig({ clients: clients.map((client) => ({ ...client, profile: 'claims' })) });
  const out = (line: string): number => lines.push(line);
  const result = await runTransferSync({ config, serverId: SERVER_ID, dryRun, client: transfer, out });
  return { ...result, lines };
}

describe('transfer sync', () => {
  beforeEach(() => {
    transferMock.reset();
    transferMock.on(ListUsersCommand).resolves({ ServerId: SERVER_ID, Users: [] });
  });

  it('creates a new client with its folders, role, session policy and tags, then imports its keys', async () => {
    transferMock.on(DescribeUserCommand).rejects(notFound('airlock-acme'));

    const { failed, lines } = await sync([{ id: 'acme', publicKeys: [`${KEY_ONE} acme@laptop`, KEY_TWO] }]);

    assert.equal(failed, 0);
    assert.deepEqual(writeCommands(), [
      {
        command: 'CreateUserCommand',
        input: {
          ServerId: SERVER_ID,
          UserName: 'airlock-acme',
          Role: ROLE_ARN,
          HomeDirectoryType: 'LOGICAL',
          HomeDirectoryMappings: ACME_MAPPINGS,
          Policy: ACME_POLICY,
          Tags: ACME_TAGS,
        },
      },
      imported(`${KEY_ONE} acme@laptop`),
      imported(KEY_TWO),
    ]);
    assert.deepEqual(lines, [
      `sync for Transfer Family server ${SERVER_ID}`,
      'create user airlock-acme for client acme',
      `import key ${FINGERPRINT_ONE} for user airlock-acme`,
      `import key ${FINGERPRINT_TWO} for user airlock-acme`,
      'done: 1 created, 0 updated, 0 up to date, 0 skipped, 0 failed',
    ]);
  });

  it('updates an existing user, imports only the missing key and deletes the stale one', async () => {
    transferMock.on(DescribeUserCommand).resolves({
      ServerId: SERVER_ID,
      User: existingAcme({
        Role: 'arn:aws:iam::123456789012:role/old-role',
        Tags: [{ Key: 'airlock:client', Value: 'acme' }],
        SshPublicKeys: [
          serverKey('key-0000000000000001', `${KEY_ONE} old-laptop`),
          serverKey('key-0000000000000003', KEY_THREE),
        ],
      }),
    });

    const { failed, lines } = await sync([{ id: 'acme', publicKeys: [`${KEY_ONE} new-laptop`, KEY_TWO] }]);

    assert.equal(failed, 0);
    assert.deepEqual(writeCommands(), [
      {
        command: 'UpdateUserCommand',
        input: {
          ServerId: SERVER_ID,
          UserName: 'airlock-acme',
          Role: ROLE_ARN,
          HomeDirectoryType: 'LOGICAL',
          HomeDirectoryMappings: ACME_MAPPINGS,
          Policy: ACME_POLICY,
        },
      },
      {
        command: 'TagResourceCommand',
        input: { Arn: existingAcme().Arn, Tags: [{ Key: 'team', Value: 'data-intake' }] },
      },
      imported(KEY_TWO),
      deleted('key-0000000000000003'),
    ]);
    assert.deepEqual(lines.slice(1, -1), [
      'update user airlock-acme for client acme: role',
      'tag user airlock-acme: team',
      `import key ${FINGERPRINT_TWO} for user airlock-acme`,
      `delete key key-0000000000000003 (${FINGERPRINT_THREE}) from user airlock-acme`,
    ]);
  });

  it('sends nothing for a user that already matches, whatever the spacing of its stored policy', async () => {
    transferMock.on(DescribeUserCommand).resolves({ ServerId: SERVER_ID, User: existingAcme() });

    const { failed, lines } = await sync([{ id: 'acme', publicKeys: [KEY_ONE] }]);

    assert.equal(failed, 0);
    assert.deepEqual(writeCommands(), []);
    assert.deepEqual(lines.slice(1), [
      'user airlock-acme for client acme is up to date',
      'done: 0 created, 0 updated, 1 up to date, 0 skipped, 0 failed',
    ]);
  });

  it('skips a password-only client, since Transfer Family needs an identity provider for passwords', async () => {
    transferMock.on(DescribeUserCommand).rejects(notFound('airlock-bob'));

    const { failed, lines } = await sync([{ id: 'bob', password: PASSWORD_HASH }]);

    assert.equal(failed, 0);
    assert.deepEqual(writeCommands(), []);
    assert.deepEqual(lines.slice(1), [
      'skip client bob: password only; Transfer Family checks passwords only through a custom identity provider',
      'done: 0 created, 0 updated, 0 up to date, 1 skipped, 0 failed',
    ]);
  });

  it('removes the old keys of a client that is now password-only, so they no longer log in', async () => {
    transferMock.on(DescribeUserCommand).resolves({ ServerId: SERVER_ID, User: existingAcme() });

    await sync([{ id: 'acme', password: PASSWORD_HASH }]);

    assert.deepEqual(writeCommands(), [
      deleted('key-0000000000000001'),
    ]);
  });

  it('prints the plan on a dry run and sends no write command', async () => {
    transferMock.on(DescribeUserCommand, { UserName: 'airlock-acme' }).rejects(notFound('airlock-acme'));
    transferMock.on(DescribeUserCommand, { UserName: 'airlock-globex' }).resolves({
      ServerId: SERVER_ID,
      User: existingAcme({ UserName: 'airlock-globex', Role: 'arn:aws:iam::123456789012:role/old-role' }),
    });
    transferMock.on(DescribeUserCommand, { UserName: 'airlock-bob' }).rejects(notFound('airlock-bob'));
    transferMock.on(ListUsersCommand).resolves({
      ServerId: SERVER_ID,
      Users: [
        { Arn: 'arn:aws:transfer:eu-west-1:123456789012:user/s-0123456789abcdef0/airlock-globex', UserName: 'airlock-globex' },
        { Arn: 'arn:aws:transfer:eu-west-1:123456789012:user/s-0123456789abcdef0/legacy-partner', UserName: 'legacy-partner' },
      ],
    });

    const { failed, lines } = await sync(
      [
        { id: 'acme', publicKeys: [KEY_ONE, KEY_DSA] },
        { id: 'globex', publicKeys: [KEY_TWO] },
        { id: 'bob', password: PASSWORD_HASH },
      ],
      true,
    );

    assert.equal(failed, 0);
    assert.deepEqual(writeCommands(), []);
    assert.deepEqual(lines, [
      `plan (dry run, nothing is sent) for Transfer Family server ${SERVER_ID}`,
      'skip key 2 of client acme: key type ssh-dss is not accepted by Transfer Family',
      'create user airlock-acme for client acme',
      `import key ${FINGERPRINT_ONE} for user airlock-acme`,
      'update user airlock-globex for client globex: home directory, role, session policy',
      'tag user airlock-globex: airlock:client',
      `import key ${FINGERPRINT_TWO} for user airlock-globex`,
      `delete key key-0000000000000001 (${FINGERPRINT_ONE}) from user airlock-globex`,
      'skip client bob: password only; Transfer Family checks passwords only through a custom identity provider',
      'leave user legacy-partner: not in the configuration',
      'dry run, nothing sent: 1 to create, 1 to update, 0 up to date, 1 skipped, 0 failed',
    ]);
  });

  it('reports an AWS refusal for one client by its error name and still provisions the others', async () => {
    transferMock
      .on(DescribeUserCommand, { UserName: 'airlock-acme' })
      .rejects(denied('DescribeUser'));
    transferMock.on(DescribeUserCommand, { UserName: 'airlock-globex' }).rejects(notFound('airlock-globex'));

    const { failed, lines } = await sync([
      { id: 'acme', publicKeys: [KEY_ONE] },
      { id: 'globex', publicKeys: [KEY_TWO] },
    ]);

    assert.equal(failed, 1);
    assert.deepEqual(
      writeCommands().map((sent) => sent.command),
      ['CreateUserCommand', 'ImportSshPublicKeyCommand'],
    );
    assert.equal(transferMock.commandCalls(CreateUserCommand)[0]?.args[0].input.UserName, 'airlock-globex');
    assert.deepEqual(lines.slice(1), [
      'failed client acme: AccessDeniedException: not authorized to perform transfer:DescribeUser',
      'create user airlock-globex for client globex',
      `import key ${FINGERPRINT_TWO} for user airlock-globex`,
      'done: 1 created, 0 updated, 0 up to date, 0 skipped, 1 failed',
    ]);
  });

  it('stops at the failed step of a client and reports it', async () => {
    transferMock.on(DescribeUserCommand).rejects(notFound('airlock-acme'));
    transferMock.on(CreateUserCommand).resolves({ ServerId: SERVER_ID, UserName: 'airlock-acme' });
    transferMock.on(ImportSshPublicKeyCommand).rejects(denied('ImportSshPublicKey'));

    const { failed, lines } = await sync([{ id: 'acme', publicKeys: [KEY_ONE, KEY_TWO] }]);

    assert.equal(failed, 1);
    assert.equal(transferMock.commandCalls(ImportSshPublicKeyCommand).length, 1);
    assert.deepEqual(lines.slice(2, 4), [
      `import key ${FINGERPRINT_ONE} for user airlock-acme`,
      'failed client acme: AccessDeniedException: not authorized to perform transfer:ImportSshPublicKey',
    ]);
  });

  it('notes that users outside the configuration were not checked when listing is refused', async () => {
    transferMock.on(DescribeUserCommand).resolves({ ServerId: SERVER_ID, User: existingAcme() });
    transferMock.on(ListUsersCommand).rejects(denied('ListUsers'));

    const { failed, lines } = await sync([{ id: 'acme', publicKeys: [KEY_ONE] }]);

    assert.equal(failed, 0);
    assert.equal(
      lines[2],
      "note: cannot list the server's users, so users outside the configuration were not checked (AccessDeniedException: not authorized to perform transfer:ListUsers)",
    );
  });

  it('refuses local storage and a missing role as configuration mistakes, before any AWS call', async () => {
    const local = testConfig({ storage: { type: 'local' } });
    const noRole = testConfig({ transferFamily: {} });

    for (const config of [local, noRole]) {
      const run = runTransferSync({ config, serverId: SERVER_ID, dryRun: true, client: transfer, out: () => {} });
      await assert.rejects(run, ConfigError);
    }
    assert.deepEqual(sentCommands(), []);
  });

  it('refuses a server id that is not one', async () => {
    const config = testConfig();
    await assert.rejects(runTransferSync({ config, serverId: 'my-server', dryRun: true, client: transfer, out: () => {} }));
    assert.deepEqual(sentCommands(), []);
  });
});
