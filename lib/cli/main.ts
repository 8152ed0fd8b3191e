#!/usr/bin/env node
// The `tencent-chat-recall-webhook` command.
import { runCli } from './run.js';

void runCli(process.argv.slice(2), process.env, {
  out: (line) => {
    console.log(line);
  },
  err: (line) => {
    console.error(line);
  },
  status: process.stderr.isTTY ? (text) => process.stderr.write(`\r${text}`) : undefined,
}).then((code) => {
  if (code !== undefined) process.exitCode = code;
});
