import type { TransferClient } from '@aws-sdk/client-transfer';

import { bounded } from '../core/log.js';

/** What every step of one `transfer sync` run needs. */
export interface SyncRun {
  readonly transfer: TransferClient;
  readonly serverId: string;
  readonly dryRun: boolean;
  readonly out: (line: string) => void;
}

/** Prints the action, then carries it out unless this is a dry run. */
export async function act(run: SyncRun, line: string, send: () => Promise<unknown>): Promise<void> {
  run.out(line);
  if (!run.dryRun) await send();
}

/** `AccessDeniedException: …`: the AWS error name first, for scripts and searches. */
export function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return bounded(String(error));
  const firstLine = error.message.split('\n')[0] ?? '';
  return bounded(error.name === 'Error' ? firstLine : `${error.name}: ${firstLine}`, 300);
}
