// The client compatibility matrix on S3 (radosgw); compat-local.test.ts runs it on local disk.
import { S3_ON_RADOSGW } from './compat-backends.js';
import { describeOpenSshClients } from './compat-openssh.js';
import { describeParamikoClients } from './compat-paramiko.js';
import { describeToolClients } from './compat-tools.js';

describeOpenSshClients(S3_ON_RADOSGW);
describeToolClients(S3_ON_RADOSGW);
describeParamikoClients(S3_ON_RADOSGW);
