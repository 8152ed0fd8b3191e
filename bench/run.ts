// `npm run bench`: every variant of bench/variants.ts in its own process, loaded in turn by
// autocannon from this one over loopback, in alternating order over several rounds; medians,
// the ratios the project targets, and micro-benchmarks of the core decision and of the query parser
// on hostile input.
import autocannon from 'autocannon';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { callbackQuery, sampleGroupRecall, sampleRecall } from '../dist/esm/testing/index.js';
import { GROUP_RECALL_COMMAND, RECALL_COMMAND, RECALL_COMMANDS, type RecallCommand } from '../dist/esm/index.js';
import { startRedis } from './redis.js';
import { startupFigures, startupLines } from './startup.js';
import { loadInternals } from './internals.js';
import {
  AGAINST,
  DISTINCT_RECALLS,
  GROUP_RECALLS,
  OK,
  SDK_APP_ID,
  TOKEN,
  VARIANTS,
  type VariantName,
} from './variants.js';

const { decideBody, decideQuery, resolveConfig, parseQuery, sign, signatureVerifier, addressMatcher } =
  await loadInternals();

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    // A git ref (a commit, a tag, `main`) built beside the working tree: its servers run in the
    // same rounds, and each ratio to it shows a regression or a gain without the machine's drift.
    against: { type: 'string' },
    // Only the cold start and the Worker's size (bench/startup.ts), a minute instead of ten.
    startup: { type: 'boolean', default: false },
    pairs: { type: 'string', default: '15' },
  },
});
const ROUNDS = Number(values.rounds);
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const BODIES: Readonly<Record<string, string>> = {
  [RECALL_COMMAND]: JSON.stringify(sampleRecall()),
  [GROUP_RECALL_COMMAND]: JSON.stringify(sampleGroupRecall()),
};
const NAMES = Object.keys(VARIANTS) as VariantName[];

interface Run {
  readonly reqPerSec: number;
  /** The server's CPU time (user and system) per request, in µs: independent of the load generator's share of the machine. */
  readonly cpuMicrosPerRequest: number;
  readonly p50: number;
  readonly p99: number;
  /** Answers that were not the OK JSON, or did not come. */
  readonly bad: number;
}

const median = (numbers: readonly number[]): number => {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** A signed recall of `command`, and a function that decides on it (query, then body, bytes in). */
function decision(command: RecallCommand): () => void {
  const config = resolveConfig({ sdkAppId: SDK_APP_ID, token: TOKEN, commands: [...RECALL_COMMANDS] });
  const head = {
    method: 'POST',
    url: `/callback?${callbackQuery({ sdkAppId: SDK_APP_ID, token: TOKEN, callbackCommand: command })}`,
    remoteAddress: '127.0.0.1',
  };
  const body = { bytes: Buffer.from(BODIES[command] ?? '') };
  return () => {
    const now = new Date();
    const first = decideQuery(config, head, now.getTime());
    if (first.kind !== 'read' || decideBody(first.context, body, now).kind !== 'recall') {
      throw new Error('the decision was not a recall');
    }
  };
}

/** The median of `runs` results of `measure`, after one more run that warms up and is dropped. */
function medianOfRuns(runs: number, measure: () => number): number {
  const results: number[] = [];
  for (let run = 0; run <= runs; run++) {
    const result = measure();
    if (run > 0) results.push(result);
  }
  return median(results);
}

/** ns per call of `work`, timed over `calls` calls in a row: the median of `runs` such timings. */
function nsPerCall(work: () => unknown, calls: number, runs: number): number {
  return medianOfRuns(runs, () => {
    const began = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) work();
    return Number(process.hrtime.bigint() - began) / calls;
  });
}

/** ns per decision on a signed recall of `command`, in a loop: the median of 7 runs of 200,000. */
function coreDecisionNs(command: RecallCommand): number {
  return nsPerCall(decision(command), 200_000, 7);
}

// What a server touches between two callbacks (its HTTP parser, streams, sockets, the other
// requests in flight) pushes the decision's code and data out of the CPU's caches; 1 MiB touched
// before each call does the same in a loop.
const OTHER_WORK_BYTES = 1024 * 1024;

/**
 * ns per decision on a signed one-to-one recall with OTHER_WORK_BYTES of other memory touched
 * before each call, each call timed on its own, less the same timing of no call: the median of 5
 * runs of 5,000. Under load the decision costs about this, not what the loop gives.
 */
function coldDecisionNs(): number {
  const decide = decision(RECALL_COMMAND);
  const other = new Uint32Array(OTHER_WORK_BYTES / 4);
  // One word in each 64-byte line.
  const touch = (): void => {
    for (let i = 0; i < other.length; i += 16) other[i] = (other[i] ?? 0) + 1;
  };
  const timed = (work: () => void): number =>
    medianOfRuns(5, () => {
      const calls = 5000;
      let spent = 0n;
      for (let i = 0; i < calls; i++) {
        touch();
        const began = process.hrtime.bigint();
        work();
        spent += process.hrtime.bigint() - began;
      }
      return Number(spent) / calls;
    });
  return timed(decide) - timed(() => undefined);
}

/**
 * µs per parse of a hostile query before authentication, 1 MiB of `&a` (each parameter once made
 * the parser search on to the URL's end), beside 1 MiB in one value: the median of 9 runs each.
 */
function queryParseMicros(): { repeatedMicros: number; oneValueMicros: number } {
  const MIB = 1024 * 1024;
  const time = (url: string): number => nsPerCall(() => parseQuery(url), 1, 9) / 1000;
  return { repeatedMicros: time(`/?${'&a'.repeat(MIB / 2)}`), oneValueMicros: time(`/?a=${'b'.repeat(MIB)}`) };
}

/**
 * ns per Sign check with two tokens (the old and the new one, while the console's changes), for a
 * forged Sign one character off each token's, one far from both, and each token's own: the
 * median of 9 interleaved rounds of 200,000 each, with the expected Signs remembered as under load.
 * A refusal should cost the same whichever token the forgery came close to.
 */
function signCheckNs(): Readonly<Record<string, number>> {
  const requestTime = String(Math.floor(Date.now() / 1000));
  const tokens = ['old-callback-token', TOKEN];
  const [oldSign, newSign] = tokens.map((token) => sign(token, requestTime));
  const nearly = (text = ''): string => `${text.slice(0, -1)}${text.endsWith('0') ? '1' : '0'}`;
  const cases: Readonly<Record<string, readonly [readonly string[], string]>> = {
    'one token, one character off': [[TOKEN], nearly(newSign)],
    'two tokens, one character off the old': [tokens, nearly(oldSign)],
    'two tokens, one character off the new': [tokens, nearly(newSign)],
    'two tokens, far from both': [tokens, '0'.repeat(64)],
    'two tokens, the old one': [tokens, oldSign ?? ''],
    'two tokens, the new one': [tokens, newSign ?? ''],
  };
  const runs = new Map<string, number[]>(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round < 10; round++) {
    for (const [name, [list, given]] of Object.entries(cases)) {
      const verify = signatureVerifier(list);
      verify(requestTime, given);
      const calls = 200_000;
      const began = process.hrtime.bigint();
      for (let i = 0; i < calls; i++) verify(requestTime, given);
      if (round > 0) runs.get(name)?.push(Number(process.hrtime.bigint() - began) / calls);
    }
  }
  return Object.fromEntries([...runs].map(([name, of]) => [name, Math.round(median(of))]));
}

/**
 * ns per `allowFrom` check of a peer outside lists of 10, 1,000 and 20,000 entries (addresses and
 * /24 ranges), the median of 9 runs of 100,000: the cost of refusing a peer before authentication.
 */
function allowFromNs(): Readonly<Record<string, number>> {
  const list = (count: number): string[] =>
    Array.from(
      { length: count },
      (_, i) => `10.${String((i >> 8) & 255)}.${String(i & 255)}.${i % 2 === 0 ? '0/24' : '7'}`,
    );
  return Object.fromEntries(
    [10, 1000, 20_000].map((count) => {
      const check = addressMatcher(list(count));
      return [String(count), Math.round(nsPerCall(() => check('192.0.2.1'), 100_000, 9))];
    }),
  );
}

// Queries a client without the token may send, within Node's default 16 KiB of headers: each
// cost the node:http handler up to 20 times a real callback's before only the protocol's
// parameters were decoded. And the plainest forgery, a Sign that is wrong, at the current time.
function hostileQueries(): Readonly<Record<string, string>> {
  const head = `CallbackCommand=${RECALL_COMMAND}&SdkAppid=${String(SDK_APP_ID)}`;
  return {
    "14 kB of '+'": `${head}&x=${'+'.repeat(14_000)}`,
    "4.6k '%41'": `${head}&x=${'%41'.repeat(4600)}`,
    'ClientIP x 100': `${head}&${'ClientIP=1&'.repeat(100)}`,
    // 2 KiB of malformed or non-UTF-8 escapes, of which the query reader reads 32 parameters: each
    // value once cost two exceptions, and the whole query 1.4 ms a request.
    "2 KiB of 'CallbackCommand=%zz'": `${head}&${'CallbackCommand=%zz&'.repeat(98)}`,
    "2 KiB of 'CallbackCommand=%FF'": `${head}&${'CallbackCommand=%FF&'.repeat(98)}`,
    'a wrong Sign': `${head}&RequestTime=${String(Math.floor(Date.now() / 1000))}&Sign=${'0'.repeat(64)}`,
  };
}

/** Requests a second to `port` of POSTs with `query` and no body, which a receiver refuses on the query. */
async function loadQuery(port: number, query: string, seconds: number): Promise<number> {
  const result = await autocannon({
    url: `http://127.0.0.1:${String(port)}/callback?${query}`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
  });
  return result.requests.average;
}

/**
 * Builds `ref` of this repository in a directory of its own (its files as git holds them, this
 * tree's node_modules) and gives the URL of its ES module entry, for BENCH_PACKAGE.
 */
function buildRef(ref: string): string {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'tcrw-bench-'));
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C "$1"`, 'archive', dir], { cwd: root });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: dir, stdio: 'inherit' });
  process.stderr.write(`built ${ref} (${commit.slice(0, 12)}) in ${dir}\n`);
  return pathToFileURL(join(dir, 'dist', 'esm', 'index.js')).href;
}

async function start(name: VariantName, env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(new URL('server.ts', import.meta.url), [name], {
    execArgv: ['--import', 'tsx'],
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return { child, port: message.port };
}

interface Usage {
  readonly cpuMicros: number;
  readonly requests: number;
}

async function usage(child: ChildProcess): Promise<Usage> {
  child.send('usage');
  const [message] = (await once(child, 'message')) as [Usage];
  return message;
}

async function measure(
  server: { child: ChildProcess; port: number },
  seconds: number,
  distinct: boolean,
  command: RecallCommand,
): Promise<Run> {
  const before = await usage(server.child);
  const run = await load(server.port, seconds, distinct, command);
  const after = await usage(server.child);
  return { ...run, cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / (after.requests - before.requests) };
}

// A prefix of this run's own: a Redis shared with earlier runs still holds their keys.
const RUN_ID = Date.now().toString(36);
let recallCount = 0;

async function load(
  port: number,
  seconds: number,
  distinct: boolean,
  command: RecallCommand,
): Promise<Omit<Run, 'cpuMicrosPerRequest'>> {
  // Signed now: a Sign is accepted for a minute, and one run is a few seconds.
  const query = callbackQuery({ sdkAppId: SDK_APP_ID, token: TOKEN, callbackCommand: command });
  const url = `http://127.0.0.1:${String(port)}/callback?${query}`;
  // autocannon checks expectBody only for its own fixed request; with a body per request, the
  // answer is checked here.
  let wrongBodies = 0;
  const perRequest = {
    requests: [
      {
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          body: JSON.stringify(sampleRecall({ MsgKey: `${RUN_ID}-${String((recallCount += 1))}` })),
        }),
        onResponse: (_status: number, body: string) => {
          if (body !== OK) wrongBodies += 1;
        },
      },
    ],
  };
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: BODIES[command] ?? '',
    connections: CONNECTIONS,
    duration: seconds,
    ...(distinct ? perRequest : { expectBody: OK }),
  });
  return {
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bad:
      result.errors +
      result.timeouts +
      result.non2xx +
      wrongBodies +
      (result as unknown as { mismatches: number }).mismatches,
  };
}

/** A server of the run: a variant, of the working tree's build or of `--against`'s. */
interface Entry {
  readonly key: string;
  readonly name: VariantName;
  readonly env: Record<string, string>;
}
const AGAINST_SUFFIX = ` @ ${values.against ?? ''}`;
const against = values.against === undefined ? undefined : buildRef(values.against);
const entries: Entry[] = [
  ...NAMES.map((name) => ({ key: name, name, env: {} })),
  ...(against === undefined
    ? []
    : AGAINST.map((name) => ({ key: `${name}${AGAINST_SUFFIX}`, name, env: { BENCH_PACKAGE: against } }))),
];
const servers = new Map<string, { child: ChildProcess; port: number }>();
const runs = new Map<string, Run[]>(entries.map(({ key }) => [key, []]));
const started = Date.now();
// First, before any server runs: a cold start is measured on a machine at rest.
const startup = await startupFigures(Number(values.pairs));
if (values.startup) {
  console.log(values.json ? JSON.stringify(startup, null, 2) : startupLines(startup).join('\n'));
  process.exit(0);
}
const redis = await startRedis();
try {
  const coreNs = coreDecisionNs(RECALL_COMMAND);
  const coreGroupNs = coreDecisionNs(GROUP_RECALL_COMMAND);
  const coldNs = coldDecisionNs();
  const query = queryParseMicros();
  const signCheck = signCheckNs();
  const allowFrom = allowFromNs();
  for (const { key, name, env } of entries) servers.set(key, await start(name, { REDIS_URL: redis.url, ...env }));
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order, so no variant always runs on a machine warmed or tired by another.
    const order = round % 2 === 0 ? entries : [...entries].reverse();
    for (const { key, name } of order) {
      const server = servers.get(key);
      if (server === undefined) throw new Error(`no server for ${key}`);
      const distinct = DISTINCT_RECALLS.has(name);
      const command = GROUP_RECALLS.has(name) ? GROUP_RECALL_COMMAND : RECALL_COMMAND;
      await load(server.port, 1, distinct, command);
      runs.get(key)?.push(await measure(server, DURATION, distinct, command));
      if (!values.json) process.stderr.write(`round ${String(round + 1)}/${String(ROUNDS)}: ${key}\n`);
    }
  }
  // The working tree's variants are numbered 1 to 19 (bench/variants.ts); --against's take the
  // number of the variant they repeat, with the ref.
  const results = entries.map(({ key, name }, index) => {
    const of = runs.get(key) ?? [];
    return {
      variant: key === name ? String(index + 1) : `${String(NAMES.indexOf(name) + 1)}${AGAINST_SUFFIX}`,
      name,
      reqPerSec: Math.round(median(of.map((r) => r.reqPerSec))),
      cpuMicrosPerRequest: Number(median(of.map((r) => r.cpuMicrosPerRequest)).toFixed(1)),
      p50Ms: median(of.map((r) => r.p50)),
      p99Ms: median(of.map((r) => r.p99)),
      badAnswers: of.reduce((sum, r) => sum + r.bad, 0),
    };
  });
  const rate = (variant: number): number => results[variant - 1]?.reqPerSec ?? Number.NaN;
  // Hostile queries, refused by the node:http handler against raw node:http answering them, in
  // rounds of their own (both servers already warm), beside the same ratio for valid callbacks;
  // with --against, the ref's handler refusing them too.
  const raw = servers.get('node:http, read + fixed answer');
  const handler = servers.get('node:http, recallNodeHandler (signed)');
  if (raw === undefined || handler === undefined) throw new Error('no servers for the hostile queries');
  const refHandler = servers.get(`node:http, recallNodeHandler (signed)${AGAINST_SUFFIX}`);
  const hostile: Record<string, number[]> = {};
  const hostileAgainst: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [what, query] of Object.entries(hostileQueries())) {
      const rawRate = await loadQuery(raw.port, query, DURATION);
      const handlerRate = await loadQuery(handler.port, query, DURATION);
      (hostile[what] ??= []).push(handlerRate / rawRate);
      if (refHandler !== undefined) {
        (hostileAgainst[what] ??= []).push(handlerRate / (await loadQuery(refHandler.port, query, DURATION)));
      }
      if (!values.json) process.stderr.write(`hostile round ${String(round + 1)}/${String(ROUNDS)}: ${what}\n`);
    }
  }
  const validRatio = rate(6) / rate(1);
  const refused = Object.fromEntries(
    Object.entries(hostile).map(([what, ratios]) => {
      const ratio = median(ratios);
      const ofRef = hostileAgainst[what];
      return [
        what,
        {
          ratio: Number(ratio.toFixed(2)),
          ofValid: Number((ratio / validRatio).toFixed(2)),
          against: ofRef === undefined ? undefined : Number(median(ofRef).toFixed(3)),
        },
      ];
    }),
  );
  // Per round, then the median: the two servers' rounds ran within a minute of each other, so the
  // machine's drift over the whole run cancels out of each round's ratio.
  const cpuRatio = (variant: number, base: number): number => {
    const of = (n: number): Run[] => {
      const name = NAMES[n - 1];
      return name === undefined ? [] : (runs.get(name) ?? []);
    };
    const pairs = of(variant).map(
      (run, round) => run.cpuMicrosPerRequest / (of(base)[round]?.cpuMicrosPerRequest ?? Number.NaN),
    );
    return median(pairs);
  };
  const ratios = [
    { ratio: '4/3', meaning: 'recallWebhook vs the hand-written handler', value: rate(4) / rate(3), target: 1.25 },
    { ratio: '4/2', meaning: "recallWebhook vs Express's floor", value: rate(4) / rate(2), target: 0.9 },
    { ratio: '6/1', meaning: 'recallNodeHandler vs raw node:http', value: rate(6) / rate(1), target: 0.9 },
  ];
  // Measured, with no target: each variant's req/s against another's, in this run.
  const measuredRatio = (
    variant: number,
    base: number,
    meaning: string,
  ): { ratio: string; meaning: string; value: number } => ({
    ratio: `${String(variant)}/${String(base)}`,
    meaning,
    value: Number((rate(variant) / rate(base)).toFixed(2)),
  });
  const known = (variant: number, base: number, micros: number): ReturnType<typeof measuredRatio> =>
    measuredRatio(
      variant,
      base,
      `known work: ${base === 1 ? 'raw node:http' : "Express's floor"} computing ${String(micros)} µs a request, touching next to no memory, vs not: the most a receiver whose work costs that reaches`,
    );
  const measured = [
    // The fetch handler against a bare fetch handler behind the same bridge.
    measuredRatio(11, 10, 'recallFetchHandler vs the fetch floor'),
    // What parsing the body as JSON alone costs raw node:http, and the node:http handler against that.
    measuredRatio(12, 1, 'raw node:http parsing the body as JSON vs not: what parsing alone costs'),
    measuredRatio(6, 12, 'recallNodeHandler vs raw node:http parsing the body'),
    // The protocol's checks written plainly by hand, against their floors: what a hand-written
    // receiver that checks a callback reaches; and the package against them.
    measuredRatio(13, 1, "the protocol's checks written by hand vs raw node:http"),
    measuredRatio(6, 13, "recallNodeHandler vs the protocol's checks by hand"),
    measuredRatio(14, 2, "the same checks by hand in Express vs Express's floor"),
    measuredRatio(4, 14, "recallWebhook vs the protocol's checks by hand in Express"),
    // Known work on the floors.
    known(15, 1, 5),
    known(16, 1, 10),
    known(17, 1, 20),
    known(18, 2, 30),
  ];
  // Each of --against's servers against the same variant of the working tree, per round.
  const againstRatios = AGAINST.filter(() => against !== undefined).map((name) => {
    const mine = runs.get(name) ?? [];
    const theirs = runs.get(`${name}${AGAINST_SUFFIX}`) ?? [];
    return {
      variant: name,
      reqPerSec: median(mine.map((run, round) => run.reqPerSec / (theirs[round]?.reqPerSec ?? Number.NaN))),
      cpuMicrosPerRequest: median(
        mine.map((run, round) => run.cpuMicrosPerRequest / (theirs[round]?.cpuMicrosPerRequest ?? Number.NaN)),
      ),
    };
  });
  const report = {
    machine: { cores: availableParallelism(), node: process.version },
    settings: { rounds: ROUNDS, seconds: DURATION, connections: CONNECTIONS },
    results,
    ratios,
    measured,
    against: values.against === undefined ? undefined : { ref: values.against, ratios: againstRatios },
    coreDecision: {
      nsPerCall: Math.round(coreNs),
      groupNsPerCall: Math.round(coreGroupNs),
      coldNsPerCall: Math.round(coldNs),
      targetNs: 5000,
    },
    // A group recall's CPU per request against a one-to-one recall's: at most 1.10.
    groupCpu: { ratio: cpuRatio(9, 4), target: 1.1 },
    queryParse: {
      repeatedMicros: Number(query.repeatedMicros.toFixed(1)),
      oneValueMicros: Number(query.oneValueMicros.toFixed(1)),
    },
    signCheckNs: signCheck,
    allowFromNs: allowFrom,
    hostileQueries: { validRatio: Number(validRatio.toFixed(2)), target: 0.8, byQuery: refused },
    startup,
    elapsedSeconds: Math.round((Date.now() - started) / 1000),
  };
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(
      `\n${String(report.machine.cores)} cores, Node.js ${report.machine.node}; medians of ${String(ROUNDS)} rounds of ${String(DURATION)} s, ${String(CONNECTIONS)} connections\n`,
    );
    for (const r of results) {
      console.log(
        `${`${r.variant}. ${r.name}`.padEnd(64)} ${String(r.reqPerSec).padStart(7)} req/s  p50 ${r.p50Ms.toFixed(1)} ms  p99 ${r.p99Ms.toFixed(1)} ms  ${r.cpuMicrosPerRequest.toFixed(1)} µs CPU/request${r.badAnswers > 0 ? `  ${String(r.badAnswers)} bad answers` : ''}`,
      );
    }
    console.log('');
    for (const r of ratios)
      console.log(
        `${r.ratio} ${r.value.toFixed(2)} (target at least ${r.target.toFixed(2)}: ${r.value >= r.target ? 'met' : 'MISSED'}), ${r.meaning}`,
      );
    for (const r of measured) console.log(`${r.ratio} ${r.value.toFixed(2)} (measured), ${r.meaning}`);
    for (const r of againstRatios) {
      console.log(
        `against ${values.against ?? ''}: ${r.variant} ${r.reqPerSec.toFixed(3)} times its req/s, ${r.cpuMicrosPerRequest.toFixed(3)} times its CPU per request (median of each round's ratio)`,
      );
    }
    const { groupCpu } = report;
    console.log(
      `9/4 CPU per request ${groupCpu.ratio.toFixed(2)} (median of each round's ratio; target at most ${groupCpu.target.toFixed(2)}: ${groupCpu.ratio <= groupCpu.target ? 'met' : 'MISSED'}), a group recall vs a one-to-one recall`,
    );
    console.log(
      `core decision: ${String(report.coreDecision.nsPerCall)} ns per call (target under 5000: ${coreNs < 5000 ? 'met' : 'MISSED'}); ${String(report.coreDecision.groupNsPerCall)} ns for a group recall; ${String(report.coreDecision.coldNsPerCall)} ns with 1 MiB of other memory touched before each call, as under load`,
    );
    console.log(
      `query parse, 1 MiB: ${String(report.queryParse.repeatedMicros)} µs of "&a", ${String(report.queryParse.oneValueMicros)} µs in one value`,
    );
    const refusals = ['old', 'new'].map((which) => signCheck[`two tokens, one character off the ${which}`] ?? 0);
    refusals.push(signCheck['two tokens, far from both'] ?? 0);
    console.log(
      `Sign check, ns: ${Object.entries(signCheck)
        .map(([name, ns]) => `${name} ${String(ns)}`)
        .join(
          '; ',
        )}; the refusals with two tokens within ${(Math.max(...refusals) / Math.min(...refusals)).toFixed(2)} times each other`,
    );
    for (const [what, { ratio, ofValid, against: ofRef }] of Object.entries(refused)) {
      console.log(
        `hostile query, ${what}: recallNodeHandler/raw node:http ${ratio.toFixed(2)}, ${ofValid.toFixed(2)} of the ratio for valid callbacks (${validRatio.toFixed(2)}; target at least 0.80: ${ofValid >= 0.8 ? 'met' : 'MISSED'})${ofRef === undefined ? '' : `; ${ofRef.toFixed(3)} times the req/s of ${values.against ?? ''}'s handler`}`,
      );
    }
    console.log(
      `allowFrom, ns per refused peer: ${Object.entries(allowFrom)
        .map(([count, ns]) => `${count} entries ${String(ns)}`)
        .join('; ')}`,
    );
    for (const line of startupLines(startup)) console.log(line);
    console.log(`took ${String(report.elapsedSeconds)} s`);
  }
} finally {
  for (const { child } of servers.values()) child.kill();
  redis.stop();
}
