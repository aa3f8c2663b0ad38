import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

import type { Logger } from '../core/log.js';
import type { RunningProcessor } from '../processor/processor.js';

export type ProcessorThreadMessage = { kind: 'notify'; key: string } | { kind: 'close' };

/**
 * Runs the processor of `airlock start` in a worker thread. De-identification is CPU work; on
 * the gateway's own thread a large job would stall every SFTP session until it ended.
 */
export async function startProcessorThread(configFile: string, log: Logger): Promise<RunningProcessor> {
  const worker = new Worker(workerUrl(), { workerData: { configFile }, execArgv: workerExecArgv() });
  const exited = once(worker, 'exit');
  worker.on('error', (error) => {
    log.error('processor thread failed', { errorName: error.name, code: (error as { code?: string }).code });
    process.exit(1);
  });

  const [ready] = (await Promise.race([once(worker, 'message'), exited.then(() => [undefined])])) as [unknown];
  if (ready === undefined) throw new Error('the processor thread stopped while starting');

  return {
    notify: (key) => worker.postMessage({ kind: 'notify', key } satisfies ProcessorThreadMessage),
    async close() {
      worker.postMessage({ kind: 'close' } satisfies ProcessorThreadMessage);
      await exited;
    },
  };
}

/** The worker's own file, compiled beside this one, or its source when run through tsx. */
function workerUrl(): URL {
  const isSource = import.meta.url.endsWith('.ts');
  return new URL(isSource ? './processor-worker.ts' : './processor-worker.js', import.meta.url);
}

function workerExecArgv(): string[] {
  return import.meta.url.endsWith('.ts') ? ['--import', 'tsx'] : [];
}
