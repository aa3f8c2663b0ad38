import { createTestBucket, s3TestConfig, startRadosgw, type S3TestServer } from '../support/radosgw.js';
import { endToEndSuite } from './end-to-end-suite.js';

let server: S3TestServer | undefined;

endToEndSuite({
  name: 'S3 on radosgw',
  async storage() {
    server = await startRadosgw();
    // Airlock runs as a child process: it finds the credentials in the environment it inherits.
    return { ...s3TestConfig(server, await createTestBucket(server)), type: 's3' };
  },
  stop: async () => server?.stop(),
});
