// The client compatibility matrix on local disk; compat-s3.test.ts runs the same cases on S3.
import { LOCAL_DISK } from './compat-backends.js';
import { describeOpenSshClients } from './compat-openssh.js';
import { describeParamikoClients } from './compat-paramiko.js';
import { describeToolClients } from './compat-tools.js';

describeOpenSshClients(LOCAL_DISK);
describeToolClients(LOCAL_DISK);
describeParamikoClients(LOCAL_DISK);
