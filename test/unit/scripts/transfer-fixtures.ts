import type { Config } from '../../../config/load.js';
import { configSchema, type ConfigInput } from '../../../config/schema.js';

/** Synthetic keys: valid OpenSSH framing around repeated bytes, never a real person's key. */
export const KEY_ONE = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEB';
export const KEY_TWO = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIC';
/** A DSA key: a real key that ssh2 reads, of a type Transfer Family does not accept. */
export const KEY_DSA =
  'ssh-dss AAAAB3NzaC1kc3MAAACBAIzvNBchBqB61QeebLmuoNz7rhV7M+x6wFXt2500fzP4Zi3B18gd9c4AKoGO4MOJlv3FaA+sdTwxYU25aRIwsiXz9qqvQ1sagZx/OQEnsV/Mu+wLu+aZTXPEwovTzL/pBlKYzQOH8+TeU8V5LkFAFUF3qnB3XqaISGyzNad1Z/DDAAAAFQChow1WsrfC2NMOzQa5A8HvRVq39QAAAIA8XLq/YzGcZCPb//2LYmwmBvLAl2kXwrmfH37EyVFDdG3Z08Q2aXcFD7WKw3ADUJpNbaLwshhIuqW1gQ9x8cUJ3I/YkSceNSeSXQSldrsii58Dkmx+2vn9cpVxj/XsQNSpokSHar3tCNBXIg1Dx07BfFyKOn1uwFLH4jjVZ7jtpwAAAIBMesa6hfz5ADVgT1cFG/aLeJjBCrBkHZuX+EAs4hPLXsrGbz8Y28C7pW+6kE1dTx4GP9XcEUdTxQEF1Xjw9fWthx3XeImU7zjTgtdP1ahITz3fWPCr/VlxhioXrlEP7AvoBwc8d3VF05Ccq7eLznn4yUFGn/6RCKqVdfiuNEhJuQ==';
export const KEY_THREE = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMD';
export const KEY_ECDSA =
  'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAgBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQ=';

export const FINGERPRINT_ONE = 'ssh-ed25519 SHA256:RXm/ruZ0eTzRXKwi1AQEDynB0VgHQ2ac9KPSFdf/YnA';
export const FINGERPRINT_TWO = 'ssh-ed25519 SHA256:baqJQcVDEweKmw1OiZxGooCG2MGxYtwsQQzzOstxmiA';
export const FINGERPRINT_THREE = 'ssh-ed25519 SHA256:gnDfULwoGkHCZ0cpikt5ZjeLoa9Yyo7dmFepI3UZQWc';
export const FINGERPRINT_ECDSA = 'ecdsa-sha2-nistp256 SHA256:AinSN38flPVbKuDrqOcynzgRPKfYpCa4Eu/KEwW1e+Y';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/airlock-transfer';
export const SERVER_ID = 's-0123456789abcdef0';
export const PASSWORD_HASH = 'scrypt$synthetic-test-hash';

/** A checked configuration as `loadConfig` would return it, without a file on disk. */
export function testConfig(overrides: Partial<ConfigInput> = {}): Config {
  const parsed = configSchema.parse({
    dataDir: '/srv/airlock',
    tokenKeyFile: '/srv/airlock/token.key',
    storage: { type: 's3', bucket: 'airlock-phi', prefix: 'prod/', region: 'eu-west-1' },
    transferFamily: { roleArn: ROLE_ARN, userNamePrefix: 'airlock-', tags: { team: 'data-intake' } },
    ...overrides,
  });
  return { ...parsed, file: '/etc/airlock/airlock.yaml', profiles: {} };
}
