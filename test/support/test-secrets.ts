/**
 * Secrets the test harnesses configure. The log audit (test/audit/logs.audit.ts) fails if any of
 * them shows up in a log line of the run, so every harness takes its secrets from here.
 */
export const TEST_TOKEN_KEY_HEX = 'a3'.repeat(32);
export const TEST_PASSWORD = 'correct-horse-battery-staple-7';
export const TEST_LINKAGE_SECRET = 'linkage-secret-for-tests-only';
