import { ListUsersCommand } from '@aws-sdk/client-transfer';

import type { Config } from '../config/load.js';
import { describeAwsError, type SyncRun } from './transfer-run.js';
import { transferUserName } from './transfer-user.js';

/**
 * Users the configuration does not name are never changed: they may belong to another system on
 * the same server. Listing them is only a report, so a refusal to list is a note, not a failure.
 */
export async function reportUsersOutsideConfig(config: Config, run: SyncRun): Promise<void> {
  const configured = new Set(
    config.clients.map((client) => transferUserName(config.transferFamily, client.id)),
  );
  try {
    for (const userName of await listUserNames(run)) {
      if (!configured.has(userName)) run.out(`leave user ${userName}: not in the configuration`);
    }
  } catch (error) {
    const unchecked = 'so users outside the configuration were not checked';
    run.out(`note: cannot list the server's users, ${unchecked} (${describeAwsError(error)})`);
  }
}

async function listUserNames(run: SyncRun): Promise<string[]> {
  const userNames: string[] = [];
  let nextToken: string | undefined;
  do {
    const request = { ServerId: run.serverId, MaxResults: 1000, NextToken: nextToken };
    // The optional chaining covers a mocked client that answers nothing.
    const page = await run.transfer.send(new ListUsersCommand(request));
    for (const user of page?.Users ?? []) {
      if (user.UserName !== undefined) userNames.push(user.UserName);
    }
    nextToken = page?.NextToken;
  } while (nextToken !== undefined);
  return userNames;
}
