#!/usr/bin/env node
'use strict';
// yarn-session [flags] is exactly flink-yarn session [flags]; its help names it yarn-session.
require('./load.cjs').run(process.argv.slice(2), 'yarn-session');
