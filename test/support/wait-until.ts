import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until `isDone` holds, checking every `everyMs`. Unlike a waiter per process, it leaves no
 * timer behind when another condition wins a race, so a test file ends as soon as its tests do.
 */
export async function waitUntil(isDone: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isDone())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}
