import {
  CreateUserCommand,
  DeleteSshPublicKeyCommand,
  DescribeUserCommand,
  ImportSshPublicKeyCommand,
  TagResourceCommand,
  TransferClient,
  UpdateUserCommand,
  type DescribedUser,
} from '@aws-sdk/client-transfer';

import type { Config } from '../config/load.js';
import type { ClientConfig, S3StorageConfig } from '../config/schema.js';
import { ConfigError } from '../core/errors.js';
import { fingerprint, keyChanges, type PublicKey } from './transfer-keys.js';
import { reportUsersOutsideConfig } from './transfer-other-users.js';
import { act, describeAwsError, type SyncRun } from './transfer-run.js';
import {
  desiredUser,
  missingTags,
  userDifferences,
  type DesiredUser,
  type UserSettings,
} from './transfer-user.js';

export interface TransferSyncOptions {
  config: Config;
  serverId: string;
  dryRun: boolean;
  /** Injected by tests; otherwise from the standard AWS chain, `storage.region` as fallback. */
  client?: TransferClient;
  /** Where plan lines go; standard output by default. */
  out?: (line: string) => void;
}

type ClientOutcome = 'created' | 'updated' | 'up to date' | 'skipped' | 'failed';

const SERVER_ID_PATTERN = /^s-[0-9a-f]{17}$/;

/**
 * Makes the server's users match the configured clients, one client at a time: a failure for one
 * client is reported and the others still go ahead. Every action is printed before it is sent;
 * a dry run prints the same lines and sends only reads.
 */
export async function runTransferSync(options: TransferSyncOptions): Promise<{ failed: number }> {
  const settings = transferSettings(options.config);
  if (!SERVER_ID_PATTERN.test(options.serverId)) {
    throw new Error('--server-id: expected "s-" and 17 hex digits');
  }

  const run: SyncRun = {
    transfer: options.client ?? (await defaultTransferClient(settings.storage)),
    serverId: options.serverId,
    dryRun: options.dryRun,
    out: options.out ?? ((line) => process.stdout.write(`${line}\n`)),
  };

  const heading = run.dryRun ? 'plan (dry run, nothing is sent)' : 'sync';
  run.out(`${heading} for Transfer Family server ${run.serverId}`);
  const outcomes: ClientOutcome[] = [];
  for (const client of options.config.clients) {
    outcomes.push(await syncClient(client, settings, run));
  }

  await reportUsersOutsideConfig(options.config, run);
  run.out(summary(outcomes, run.dryRun));
  return { failed: outcomes.filter((outcome) => outcome === 'failed').length };
}

/** The command needs S3 storage and a role; both are configuration mistakes, named as such. */
function transferSettings(config: Config): UserSettings {
  if (config.storage.type !== 's3') {
    const problem = 'storage.type: `transfer sync` needs "s3"; Transfer Family serves S3 buckets';
    throw new ConfigError(config.file, [problem]);
  }
  const roleArn = config.transferFamily.roleArn;
  if (roleArn === undefined) {
    const problem = 'transferFamily.roleArn: required by `transfer sync` (the role users assume)';
    throw new ConfigError(config.file, [problem]);
  }
  return { storage: config.storage, transferFamily: config.transferFamily, roleArn };
}

/** Region from the standard chain (AWS_REGION, the profile), else the bucket's `storage.region`. */
async function defaultTransferClient(storage: S3StorageConfig): Promise<TransferClient> {
  const fromChain = new TransferClient({});
  try {
    await fromChain.config.region();
    return fromChain;
  } catch {
    fromChain.destroy();
    return new TransferClient({ region: storage.region });
  }
}

async function syncClient(
  client: ClientConfig,
  settings: UserSettings,
  run: SyncRun,
): Promise<ClientOutcome> {
  const decision = desiredUser(client, settings);
  try {
    if ('failReason' in decision) throw new Error(decision.failReason);
    if ('skipReason' in decision) {
      run.out(`skip client ${client.id}: ${decision.skipReason}`);
      if (decision.userName !== undefined) await removeAllKeys(decision.userName, run);
      return 'skipped';
    }

    const user = decision.user;
    for (const unusable of user.unusableKeys) {
      run.out(`skip key ${unusable.index + 1} of client ${client.id}: ${unusable.problem}`);
    }
    const existing = await describeUser(user.userName, run);
    if (existing === undefined) return await createUser(user, run);
    return await updateUser(existing, user, run);
  } catch (error) {
    run.out(`failed client ${client.id}: ${describeAwsError(error)}`);
    return 'failed';
  }
}

async function describeUser(userName: string, run: SyncRun): Promise<DescribedUser | undefined> {
  try {
    const request = new DescribeUserCommand({ ServerId: run.serverId, UserName: userName });
    const described = await run.transfer.send(request);
    return described.User;
  } catch (error) {
    if ((error as Error | undefined)?.name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

async function createUser(user: DesiredUser, run: SyncRun): Promise<ClientOutcome> {
  await act(run, `create user ${user.userName} for client ${user.clientId}`, () =>
    run.transfer.send(
      new CreateUserCommand({
        ServerId: run.serverId,
        UserName: user.userName,
        Role: user.role,
        HomeDirectoryType: 'LOGICAL',
        HomeDirectoryMappings: user.mappings,
        Policy: user.policy,
        Tags: user.tags,
      }),
    ),
  );

  for (const key of user.keys) await importKey(user, key, run);
  return 'created';
}

async function updateUser(
  existing: DescribedUser,
  user: DesiredUser,
  run: SyncRun,
): Promise<ClientOutcome> {
  const differences = userDifferences(existing, user);
  const tags = missingTags(existing, user);
  const keys = keyChanges(user.keys, existing.SshPublicKeys ?? []);

  if (differences.length > 0) {
    const changed = differences.join(', ');
    await act(run, `update user ${user.userName} for client ${user.clientId}: ${changed}`, () =>
      run.transfer.send(
        new UpdateUserCommand({
          ServerId: run.serverId,
          UserName: user.userName,
          Role: user.role,
          HomeDirectoryType: 'LOGICAL',
          HomeDirectoryMappings: user.mappings,
          Policy: user.policy,
        }),
      ),
    );
  }
  if (tags.length > 0) {
    const tagKeys = tags.map((tag) => tag.Key).join(', ');
    await act(run, `tag user ${user.userName}: ${tagKeys}`, () =>
      run.transfer.send(new TagResourceCommand({ Arn: existing.Arn, Tags: tags })),
    );
  }
  // Imports first: a client replacing its key keeps a working key throughout.
  for (const key of keys.toImport) await importKey(user, key, run);
  for (const stale of keys.toDelete) await deleteKey(user.userName, stale, run);

  const keyCount = keys.toImport.length + keys.toDelete.length;
  const isUpToDate = differences.length + tags.length + keyCount === 0;
  if (isUpToDate) run.out(`user ${user.userName} for client ${user.clientId} is up to date`);
  return isUpToDate ? 'up to date' : 'updated';
}

/** A configured client that no longer has a usable key must not keep logging in with an old one. */
async function removeAllKeys(userName: string, run: SyncRun): Promise<void> {
  const existing = await describeUser(userName, run);
  if (existing === undefined) return;

  const keys = keyChanges([], existing.SshPublicKeys ?? []);
  for (const stale of keys.toDelete) await deleteKey(userName, stale, run);
}

async function importKey(user: DesiredUser, key: PublicKey, run: SyncRun): Promise<void> {
  const request = { ServerId: run.serverId, UserName: user.userName, SshPublicKeyBody: key.line };
  await act(run, `import key ${fingerprint(key)} for user ${user.userName}`, () =>
    run.transfer.send(new ImportSshPublicKeyCommand(request)),
  );
}

async function deleteKey(
  userName: string,
  stale: { id: string; label: string },
  run: SyncRun,
): Promise<void> {
  const request = { ServerId: run.serverId, UserName: userName, SshPublicKeyId: stale.id };
  await act(run, `delete key ${stale.id} (${stale.label}) from user ${userName}`, () =>
    run.transfer.send(new DeleteSshPublicKeyCommand(request)),
  );
}

function summary(outcomes: readonly ClientOutcome[], isDryRun: boolean): string {
  const count = (outcome: ClientOutcome): number =>
    outcomes.filter((each) => each === outcome).length;
  const [created, updated] = isDryRun ? ['to create', 'to update'] : ['created', 'updated'];
  const counts = [
    `${count('created')} ${created}`,
    `${count('updated')} ${updated}`,
    `${count('up to date')} up to date`,
    `${count('skipped')} skipped`,
    `${count('failed')} failed`,
  ].join(', ');
  return isDryRun ? `dry run, nothing sent: ${counts}` : `done: ${counts}`;
}

// LIMITATION: users whose client left the configuration keep their keys and can still log in
// to Transfer Family; the plan lists them as "leave user", and the operator deletes them by
// hand. Accepted because the server may host users of other systems. Fix: a `--prune` flag
// that deletes users tagged `airlock:client` whose client is gone.
