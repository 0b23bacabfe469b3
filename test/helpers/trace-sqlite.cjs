// Preloaded (NODE_OPTIONS=--require) by a test to see whether a command loads better-sqlite3: each
// load of the package appends a line to $TRACE_SQLITE_FILE.
const Module = require('node:module');
const fs = require('node:fs');
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/(^|[\\/])better-sqlite3([\\/]|$)/.test(request)) fs.appendFileSync(process.env.TRACE_SQLITE_FILE, `${request}\n`);
  return load.call(this, request, ...rest);
};
