import { parentPort, workerData } from 'node:worker_threads';

import { loadConfig } from '../config/load.js';
import { createLogger } from '../core/log.js';
import { createStorage, startConfiguredProcessor } from './processor-setup.js';
import type { ProcessorThreadMessage } from './processor-thread.js';

// The processor of `airlock start`, in a thread of its own (see processor-thread.ts).
const config = loadConfig((workerData as { configFile: string }).configFile);
const log = createLogger(config.log);
const storage = await createStorage(config, log);
const processor = await startConfiguredProcessor(config, storage, log);

parentPort?.on('message', (message: ProcessorThreadMessage) => {
  if (message.kind === 'notify') processor.notify(message.key);
  if (message.kind === 'close') {
    processor.close()
      .then(() => storage.close())
      .finally(() => parentPort?.close());
  }
});
parentPort?.postMessage({ kind: 'ready' });
