import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

import { parseDocument } from 'yaml';
import type { ZodIssue } from 'zod';

import { ConfigError } from '../core/errors.js';
import type { Profile } from '../core/deid/profile-schema.js';
import { configSchema, type ParsedConfig } from './schema.js';

export interface Config extends Omit<ParsedConfig, 'profiles'> {
  /** The file this configuration came from, absolute. */
  readonly file: string;
  readonly profiles: Readonly<Record<string, Profile>>;
}

/**
 * Reads, checks and freezes one configuration file. Every problem found is reported at once,
 * each naming its key, so that an operator fixes them in one pass.
 */
export function loadConfig(file: string): Config {
  const absoluteFile = resolve(file);
  const text = readConfigText(absoluteFile);

  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigError(absoluteFile, document.errors.map((error) => `YAML: ${error.message.split('\n')[0]}`));
  }

  const raw: unknown = document.toJS() ?? {};
  const parsed = configSchema.safeParse(raw);
  // Cross-references are checked on the raw file too, so one run reports every problem.
  const problems = [...(parsed.success ? [] : parsed.error.issues.map(describeIssue)), ...crossCheck(raw)];
  if (!parsed.success || problems.length > 0) throw new ConfigError(absoluteFile, problems);

  return deepFreeze(withResolvedPaths(parsed.data, absoluteFile));
}

function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
}

function describeIssue(issue: ZodIssue): string {
  const key = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') return `${key}: unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${key}: ${issue.message}`;
}

interface RawReferences {
  clients?: unknown;
  profiles?: unknown;
}

function crossCheck(raw: unknown): string[] {
  const { clients, profiles } = (typeof raw === 'object' && raw !== null ? raw : {}) as RawReferences;
  if (!Array.isArray(clients)) return [];
  const profileNames = new Set(typeof profiles === 'object' && profiles !== null ? Object.keys(profiles) : []);
  const problems: string[] = [];
  const seen = new Set<string>();

  clients.forEach((client: { id?: unknown; profile?: unknown } | null, index) => {
    const id = typeof client?.id === 'string' ? client.id : undefined;
    const profile = typeof client?.profile === 'string' ? client.profile : undefined;
    if (id !== undefined && seen.has(id)) problems.push(`clients.${index}.id: "${id}" is used by an earlier client`);
    if (id !== undefined) seen.add(id);
    if (profile !== undefined && !profileNames.has(profile)) {
      problems.push(`clients.${index}.profile: no profile named "${profile}" under profiles`);
    }
  });
  return problems;
}

function withResolvedPaths(config: ParsedConfig, file: string): Config {
  const base = dirname(file);
  const fromFile = (path: string): string => (isAbsolute(path) ? path : resolve(base, path));
  const profiles = Object.fromEntries(
    Object.entries(config.profiles).map(([name, profile]) => [name, { ...profile, name, linkage: withLinkagePaths(profile.linkage, fromFile) }]),
  );

  return {
    ...config,
    file,
    dataDir: fromFile(config.dataDir),
    tokenKeyFile: fromFile(config.tokenKeyFile),
    log: { ...config.log, file: config.log.file === undefined ? undefined : fromFile(config.log.file) },
    profiles,
  };
}

function withLinkagePaths(linkage: Profile['linkage'], fromFile: (path: string) => string): Profile['linkage'] {
  if (linkage === undefined) return undefined;
  const { encryptionKeyFile } = linkage;
  return { ...linkage, secretFile: fromFile(linkage.secretFile), ...(encryptionKeyFile === undefined ? {} : { encryptionKeyFile: fromFile(encryptionKeyFile) }) };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
