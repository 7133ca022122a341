#!/usr/bin/env node
// The `vta` command: the bundled CLI (built by `npm run build` into dist/).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli', 'vta.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write(`vta: ${bundle} is missing; run \`npm run build\` first\n`);
  process.exit(2);
}
require(bundle);
