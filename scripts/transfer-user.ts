import type { DescribedUser, HomeDirectoryMapEntry, Tag } from '@aws-sdk/client-transfer';

import type { ClientConfig, S3StorageConfig, TransferFamilyConfig } from '../config/schema.js';
import { readPublicKey, uniqueKeys, type PublicKey } from './transfer-keys.js';
import {
  homeDirectoryMappings,
  MAX_SESSION_POLICY_CHARS,
  partitionOf,
  sessionPolicy,
} from './transfer-policy.js';

/** The tag that says which client a Transfer user stands for. */
export const CLIENT_TAG = 'airlock:client';

/** Service-managed Transfer users log in with keys only; passwords need an identity provider. */
const PASSWORD_ONLY_REASON =
  'password only; Transfer Family checks passwords only through a custom identity provider';

/** Transfer Family's rule for user names (CreateUser, `UserName`). */
const USER_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_@.-]{2,99}$/;

/** What one client's Transfer user should look like. */
export interface DesiredUser {
  readonly clientId: string;
  readonly userName: string;
  readonly role: string;
  readonly mappings: HomeDirectoryMapEntry[];
  /** The session policy as sent: compact JSON. */
  readonly policy: string;
  readonly tags: Tag[];
  readonly keys: readonly PublicKey[];
  /** Configured keys that cannot be imported, with why, in configuration order. */
  readonly unusableKeys: readonly { index: number; problem: string }[];
}

/**
 * A client becomes a user, or is skipped for a reason it was designed around (no key), or cannot
 * be provisioned as configured (a failure). `userName` is there whenever it is a valid name.
 */
export type UserDecision =
  | { user: DesiredUser }
  | { skipReason: string; userName?: string }
  | { failReason: string };

export interface UserSettings {
  readonly storage: S3StorageConfig;
  readonly transferFamily: TransferFamilyConfig;
  readonly roleArn: string;
}

export function transferUserName(transferFamily: TransferFamilyConfig, clientId: string): string {
  return `${transferFamily.userNamePrefix}${clientId}`;
}

/** Decides whether a client can be a Transfer user, and if so, exactly how. */
export function desiredUser(client: ClientConfig, settings: UserSettings): UserDecision {
  const userName = transferUserName(settings.transferFamily, client.id);
  if (!USER_NAME_PATTERN.test(userName)) {
    const reason = `user name "${userName}" is under Transfer Family's 3 characters`;
    return { skipReason: `${reason}; set transferFamily.userNamePrefix` };
  }

  const readings = client.publicKeys.map((text) => readPublicKey(text));
  const keys = uniqueKeys(readings.flatMap((reading) => ('key' in reading ? [reading.key] : [])));
  const unusableKeys = readings.flatMap((reading, index) =>
    'problem' in reading ? [{ index, problem: reading.problem }] : [],
  );
  if (keys.length === 0) return { skipReason: noKeyReason(unusableKeys), userName };

  const partition = partitionOf(settings.roleArn);
  const policy = JSON.stringify(sessionPolicy(settings.storage, client.id, partition));
  if (policy.length > MAX_SESSION_POLICY_CHARS) {
    const size = `${policy.length} characters, over Transfer Family's ${MAX_SESSION_POLICY_CHARS}`;
    return { failReason: `its session policy has ${size}; shorten storage.prefix` };
  }
  return {
    user: {
      clientId: client.id,
      userName,
      role: settings.roleArn,
      mappings: homeDirectoryMappings(settings.storage, client.id),
      policy,
      tags: userTags(settings.transferFamily, client.id),
      keys,
      unusableKeys,
    },
  };
}

function noKeyReason(unusableKeys: readonly { index: number; problem: string }[]): string {
  if (unusableKeys.length === 0) {
    return PASSWORD_ONLY_REASON;
  }
  const problems = unusableKeys.map((unusable) => `key ${unusable.index + 1}: ${unusable.problem}`);
  return `no public key Transfer Family accepts (${problems.join('; ')})`;
}

function userTags(transferFamily: TransferFamilyConfig, clientId: string): Tag[] {
  const configured = Object.entries(transferFamily.tags).map(([Key, Value]) => ({ Key, Value }));
  return [{ Key: CLIENT_TAG, Value: clientId }, ...configured];
}

/** The settings that differ between the server's user and the desired one, by name. */
export function userDifferences(existing: DescribedUser, desired: DesiredUser): string[] {
  const differences: string[] = [];
  const isLogical = existing.HomeDirectoryType === 'LOGICAL';
  if (!isLogical || !sameMappings(existing.HomeDirectoryMappings ?? [], desired.mappings)) {
    differences.push('home directory');
  }
  if (existing.Role !== desired.role) differences.push('role');
  if (!sameJson(existing.Policy, desired.policy)) differences.push('session policy');
  return differences;
}

/** Tags to add or correct; tags the configuration no longer names are left on the user. */
export function missingTags(existing: DescribedUser, desired: DesiredUser): Tag[] {
  const current = new Map((existing.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
  return desired.tags.filter((tag) => current.get(tag.Key) !== tag.Value);
}

/** Transfer Family treats a mapping without a type as a DIRECTORY mapping. */
function sameMappings(
  found: readonly HomeDirectoryMapEntry[],
  wanted: readonly HomeDirectoryMapEntry[],
): boolean {
  const describe = (entry: HomeDirectoryMapEntry | undefined): string =>
    `${entry?.Entry}\n${entry?.Target}\n${entry?.Type ?? 'DIRECTORY'}`;
  const isSameEntry = (entry: HomeDirectoryMapEntry, index: number): boolean =>
    describe(entry) === describe(wanted[index]);
  return found.length === wanted.length && found.every(isSameEntry);
}

/** Transfer Family may hand the policy back re-formatted; compare what it says, not its spacing. */
function sameJson(text: string | undefined, expected: string): boolean {
  if (text === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(text)) === expected;
  } catch {
    return false;
  }
}

// LIMITATION: tags that an earlier configuration set and this one drops stay on the users,
// since nothing records which tags Airlock put there. Harmless metadata; fix: record the
// managed tag keys in a tag of their own and untag what left the configuration.
