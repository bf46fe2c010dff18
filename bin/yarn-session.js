#!/usr/bin/env node
// yarn-session [flags] is exactly flink-yarn session [flags].
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(['session', ...process.argv.slice(2)]);
