#!/usr/bin/env node
// The command line runs from the compiled output; `npm run build` (or `npm start`) makes it.
import '../dist/cli/main.js';
