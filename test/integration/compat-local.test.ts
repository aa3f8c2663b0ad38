// The client compatibility matrix on local disk; compat-s3.test.ts runs the same cases on S3.
import { LOCAL_DISK } from './compat-backends.js';
import { describeOpenSshClients } from './compat-openssh.js';

describeOpenSshClients(LOCAL_DISK);
