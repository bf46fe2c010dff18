#!/usr/bin/env node
'use strict';
require('./load.cjs').run(process.argv.slice(2));
