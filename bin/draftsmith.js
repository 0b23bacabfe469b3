#!/usr/bin/env node
// Entry point: run main and hand its exit code to Node. Nothing else belongs here.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
