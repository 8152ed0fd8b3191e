// Serves a bundled edge script in Vercel's Edge Runtime (the edge-runtime package), with the
// variables it is given as its `process.env`, as Vercel gives an edge function its own.
import { readFileSync } from 'node:fs';
import { EdgeRuntime, runServer } from 'edge-runtime';

const names = ['IM_CALLBACK_TOKEN', 'IM_CALLBACK_TOKEN_NEXT'];
const env = Object.fromEntries(
  names.filter((name) => process.env[name] !== undefined).map((name) => [name, process.env[name]]),
);
const runtime = new EdgeRuntime({
  initialCode: readFileSync(process.argv[2], 'utf8'),
  extend: (context) => Object.assign(context, { process: { env } }),
});
await runServer({ runtime, port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('listening');
