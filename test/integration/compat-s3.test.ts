// The client compatibility matrix on S3 (radosgw); compat-local.test.ts runs it on local disk.
import { S3_ON_RADOSGW } from './compat-backends.js';
import { describeOpenSshClients } from './compat-openssh.js';

describeOpenSshClients(S3_ON_RADOSGW);
