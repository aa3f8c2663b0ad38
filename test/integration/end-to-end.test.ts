import { endToEndSuite } from './end-to-end-suite.js';

endToEndSuite({ name: 'local disk', storage: async () => ({ type: 'local' }) });
