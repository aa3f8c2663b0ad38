import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';

import { isMap, isSeq, parseDocument, YAMLSeq } from 'yaml';

import { loadConfig } from '../config/load.js';
import { ConfigError } from '../core/errors.js';

export interface ClientAddOptions {
  configFile: string;
  id: string;
  profile: string;
  publicKeys: string[];
  passwordHash?: string;
}

/**
 * Adds a client to a configuration file in place, keeping its comments and layout, then loads
 * the result to prove it valid; an invalid result leaves the original file untouched.
 */
export function runClientAddCommand(options: ClientAddOptions): void {
  const original = readFileSync(options.configFile, 'utf8');
  const document = parseDocument(original);
  if (!isMap(document.contents)) throw new Error(`${options.configFile}: the configuration is not a YAML mapping`);

  const clients = document.get('clients');
  if (clients !== undefined && !isSeq(clients)) throw new Error(`${options.configFile}: clients is not a list`);
  const ids = (clients?.toJSON() as { id?: string }[] | undefined ?? []).map((client) => client.id);
  if (ids.includes(options.id)) throw new Error(`${options.configFile}: a client "${options.id}" exists already`);

  const entry = {
    id: options.id,
    ...(options.passwordHash === undefined ? {} : { password: options.passwordHash }),
    ...(options.publicKeys.length === 0 ? {} : { publicKeys: options.publicKeys }),
    profile: options.profile,
  };
  if (clients === undefined) document.set('clients', document.createNode([entry]));
  else (clients as YAMLSeq).add(document.createNode(entry));

  const candidate = `${options.configFile}.new`;
  // No folding and no padding, so lines the command did not touch keep their shape.
  writeFileSync(candidate, document.toString({ lineWidth: 0, flowCollectionPadding: false }));
  try {
    loadConfig(candidate);
  } catch (error) {
    unlinkSync(candidate);
    throw error instanceof ConfigError ? new ConfigError(options.configFile, error.problems) : error;
  }
  renameSync(candidate, options.configFile);
}
