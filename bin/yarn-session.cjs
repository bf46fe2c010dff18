#!/usr/bin/env node
'use strict';
// yarn-session [flags] is exactly flink-yarn session [flags].
require('./load.cjs').run(['session', ...process.argv.slice(2)]);
