import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetIpListError,
  tencentCallbackAddresses,
  type TencentCallbackAddresses,
  type TencentCallbackAddressesOptions,
} from '../../lib/rest/callback-addresses.js';
import { receiverUrl } from '../fixtures/callbacks.js';
import { GET_IP_LIST_ANSWER, parsed } from '../fixtures/published.js';
import { ADAPTERS, TEST_PEER } from '../helpers/adapters.js';
import { freePort } from '../helpers/http.js';
import { captureLog } from '../helpers/log.js';
import { run } from '../helpers/process.js';
import { writeExample } from '../helpers/readme.js';
import { ADMIN, APP, fakeTencentApi, SECRET_KEY, type Answer, type FakeTencentApi } from '../helpers/tencent-api.js';

/** Resolves once `condition` holds, or fails after `ms`. */
async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`never: ${what}`);
    await sleep(20);
  }
}

describe('tencentCallbackAddresses()', function () {
  this.timeout(20_000);
  let api: FakeTencentApi;
  const opened: TencentCallbackAddresses[] = [];
  const lines = captureLog();

  /** Options for the fake, refreshing every second, with `more` over them. */
  const optionsFor = (more: Partial<TencentCallbackAddressesOptions> = {}): TencentCallbackAddressesOptions => ({
    sdkAppId: APP,
    identifier: ADMIN,
    secretKey: SECRET_KEY,
    endpoint: api.url,
    nettype: 6,
    refreshSeconds: 1,
    timeoutMs: 500,
    ...more,
  });
  const open = async (more: Partial<TencentCallbackAddressesOptions> = {}): Promise<TencentCallbackAddresses> => {
    const tencent = await tencentCallbackAddresses(optionsFor(more));
    opened.push(tencent);
    return tencent;
  };

  beforeEach(async () => {
    api = await fakeTencentApi({ list: ['127.0.0.1', '183.192.202.0/25'] });
  });
  afterEach(async () => {
    for (const tencent of opened.splice(0)) tencent.close();
    await api.close();
  });

  it('should load the list, calling GetIPList as Tencent documents it with a UserSig signed now', async () => {
    const before = Date.now();
    const tencent = await open();
    expect(tencent.addresses).to.deep.equal(['127.0.0.1', '183.192.202.0/25']);
    expect(tencent.fetchedAt?.getTime()).to.be.within(before, Date.now());
    expect([tencent.lastError, tencent.failures]).to.deep.equal([undefined, 0]);
    const [call] = api.calls;
    expect(call?.method).to.equal('POST');
    expect(call?.path).to.equal('/v4/ConfigSvc/GetIPList');
    expect(call?.body).to.equal('{}');
    expect(call?.userSigProblem).to.equal(undefined);
    expect(Object.fromEntries(call?.query ?? [])).to.deep.include({
      sdkappid: '1400000000',
      identifier: ADMIN,
      contenttype: 'json',
      nettype: '6',
    });
    expect(call?.query.get('random')).to.match(/^[0-9]{1,10}$/);
    // A short lifetime: a UserSig captured from a call is soon of no use.
    expect(call?.claims?.['TLS.expire']).to.be.at.most(600);
  });

  it('should match addresses and ranges of the list, IPv4-mapped peers too, and nothing else', async () => {
    const tencent = await open();
    expect(['127.0.0.1', '::ffff:127.0.0.1', '183.192.202.7', '::ffff:183.192.202.127'].map(tencent)).to.deep.equal([
      true,
      true,
      true,
      true,
    ]);
    expect(['127.0.0.2', '183.192.202.128', '::1', 'not an address'].map(tencent)).to.deep.equal([
      false,
      false,
      false,
      false,
    ]);
  });

  it("should load the published answer's list: addresses and ranges mixed", async () => {
    api.serve({ list: parsed(GET_IP_LIST_ANSWER).IPList as string[] });
    const tencent = await open();
    expect(tencent.addresses).to.deep.equal(['127.0.0.2', '183.192.202.0/25']);
  });

  for (const adapter of ADAPTERS) {
    it(`should serve as allowFrom on the ${adapter.name}: a peer in the list answered OK, one outside refused`, async () => {
      const inList = await open();
      api.serve({ list: ['183.192.202.0/25'] });
      const outside = await open();
      for (const [tencent, expected] of [
        [inList, 'OK'],
        [outside, 'ADDRESS_FORBIDDEN'],
      ] as const) {
        const result = await adapter.send({ allowFrom: tencent }, () => undefined, {
          method: 'POST',
          url: receiverUrl(),
          body: JSON.stringify({
            CallbackCommand: 'C2C.CallbackAfterMsgWithDraw',
            From_Account: 'a',
            To_Account: 'b',
            MsgKey: 'k',
          }),
        });
        const answer = JSON.parse(result.text) as { ErrorInfo: string };
        expect(answer.ErrorInfo === '' ? 'OK' : answer.ErrorInfo.split(':')[0]).to.equal(expected);
        if (expected === 'OK') expect(result.recalls[0]?.remoteAddress).to.equal(TEST_PEER);
      }
    });
  }

  it('should follow a change of the list at the next refresh', async () => {
    const tencent = await open();
    api.serve({ list: ['203.0.113.0/24'] });
    await until(() => tencent.addresses[0] === '203.0.113.0/24', 'the new list');
    expect(tencent('203.0.113.9')).to.equal(true);
    expect(tencent('127.0.0.1')).to.equal(false);
    expect(api.calls.every((call) => call.userSigProblem === undefined)).to.equal(true);
  });

  const FAILURES: readonly (readonly [string, Answer, RegExp])[] = [
    ['an HTTP error', { status: 502, text: 'Bad Gateway' }, /answered HTTP 502$/],
    [
      'an answer that is not JSON',
      { text: '<html>busy</html>' },
      /answered something that is not JSON \(17 characters\)$/,
    ],
    ['a redirect', { status: 307, location: '/elsewhere' }, /answered a redirect \(HTTP 307\), which is not followed$/],
    ['a proxy that echoes the call', { echo: 'text' }, /answered something that is not JSON \([0-9]+ characters\)$/],
    [
      'a proxy that echoes the call in ErrorInfo',
      { echo: 'errorInfo' },
      /ErrorCode 90001: bad request \/v4\/ConfigSvc\/GetIPList\?sdkappid=1400000000&identifier=administrator&\(removed\)/,
    ],
    [
      'an ErrorCode that is not 0',
      { errorCode: 70001, errorInfo: 'UserSig expired' },
      /answered ErrorCode 70001: UserSig expired$/,
    ],
    ['an empty list', { list: [] }, /GetIPList answered no IPList, or an empty one$/],
    [
      'a list that admits every IPv4 address',
      { list: ['127.0.0.1', '0.0.0.0/0'] },
      /whose entry 0\.0\.0\.0\/0 covers all or most of an address family/,
    ],
    ['a list that admits every IPv6 address', { list: ['::/0'] }, /whose entry ::\/0 covers all or most/],
    [
      'a list that admits every IPv4-mapped address',
      { list: ['::ffff:0:0/96'] },
      /whose entry ::ffff:0:0\/96 covers all or most/,
    ],
    ['a list with an IPv4 range wider than /8', { list: ['10.0.0.0/7'] }, /whose entry 10\.0\.0\.0\/7 covers/],
    ['a list with an IPv6 range wider than /32', { list: ['2400::/31'] }, /whose entry 2400::\/31 covers/],
    [
      'a list with one malformed entry',
      { list: ['127.0.0.1', '183.192.202.0/33'] },
      /IPList whose entry 1 is not an address or CIDR range$/,
    ],
    [
      'a list with an entry that is no string',
      { list: ['127.0.0.1', 7] },
      /IPList whose entry 1 is not an address or CIDR range$/,
    ],
    ['no answer in time', { hang: true }, /did not answer within 500 ms$/],
    ['a connection cut', { destroy: true }, /could not be reached: /],
  ];

  for (const [what, answer, message] of FAILURES) {
    it(`should keep the list in hand when a refresh fails with ${what}, say why, and recover`, async () => {
      const errors: Error[] = [];
      const tencent = await open({ onRefreshError: (error) => errors.push(error) });
      api.serve(answer);
      await until(() => tencent.failures >= 1, 'a failed refresh');
      expect(tencent.addresses).to.deep.equal(['127.0.0.1', '183.192.202.0/25']);
      expect(tencent('127.0.0.1')).to.equal(true);
      expect(tencent.lastError?.message).to.match(message);
      expect(tencent.lastError).to.be.instanceOf(GetIpListError);
      expect(errors[0]).to.equal(tencent.lastError);
      // A redirect is not followed: its target is never called.
      expect(api.calls.map((call) => call.path)).to.not.include('/elsewhere');
      expect(
        lines.some((line) => line.includes('GetIPList refresh failed (1 in a row), keeping the list in hand')),
      ).to.equal(true);
      api.serve({ list: ['198.51.100.0/24'] });
      await until(() => tencent.failures === 0, 'a refresh after the failure', 15_000);
      expect([tencent.addresses, tencent.lastError]).to.deep.equal([['198.51.100.0/24'], undefined]);
    });
  }

  it('should retry a failing refresh no sooner than a second apart, one call at a time', async () => {
    await open({ timeoutMs: 300 });
    api.serve({ hang: true });
    await sleep(3500);
    const times = api.calls.map((call) => call.at);
    const gaps = times.slice(1).map((at, i) => at - (times[i] ?? 0));
    expect(times.length).to.be.within(2, 4);
    for (const gap of gaps) expect(gap).to.be.at.least(990);
  });

  it('should end a call that hangs by timeoutMs while the collector runs, and go on refreshing', async () => {
    expect(typeof globalThis.gc, 'mocha runs with --expose-gc').to.equal('function');
    const tencent = await open({ timeoutMs: 300 });
    api.serve({ hang: true });
    // Garbage made and collected all along: a deadline held only weakly would be dropped.
    const collecting = setInterval(() => {
      void Array.from({ length: 100_000 }, () => ({}));
      globalThis.gc?.();
    }, 20);
    try {
      await until(() => tencent.failures >= 2, 'two calls ended by timeoutMs');
    } finally {
      clearInterval(collecting);
    }
    expect(tencent.lastError?.message).to.match(/did not answer within 300 ms$/);
  });

  it("should reject when the first load fails, naming Tencent's ErrorCode and ErrorInfo or the HTTP failure", async () => {
    for (const [answer, message] of [
      [
        { errorCode: 70107, errorInfo: 'identifier is not an App admin' },
        /GetIPList answered ErrorCode 70107: identifier is not an App admin$/,
      ],
      [{ status: 404, text: 'nothing here' }, /\/v4\/ConfigSvc\/GetIPList answered HTTP 404$/],
    ] as const) {
      api.serve(answer);
      const error = await tencentCallbackAddresses(optionsFor()).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.match(message);
    }
    const wrongKey = await tencentCallbackAddresses(optionsFor({ secretKey: 'not-the-key' })).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(wrongKey?.message).to.match(/ErrorCode 70003: UserSig invalid: HMAC does not match$/);
    const closed = `http://127.0.0.1:${String(await freePort())}`;
    const unreachable = await tencentCallbackAddresses(optionsFor({ endpoint: closed })).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(unreachable?.message).to.equal(
      `tencent-chat-recall-webhook: ${closed}/v4/ConfigSvc/GetIPList could not be reached: ECONNREFUSED`,
    );
  });

  it('should start from a list the app supplies, at once, then fetch and keep trying', async () => {
    api.serve({ status: 503 });
    const tencent = await open({ initialAddresses: ['192.0.2.0/24'] });
    expect([tencent.addresses, tencent.fetchedAt]).to.deep.equal([['192.0.2.0/24'], undefined]);
    expect(tencent('192.0.2.1')).to.equal(true);
    await until(() => tencent.failures >= 1, 'the first fetch failing');
    expect(tencent.addresses).to.deep.equal(['192.0.2.0/24']);
    api.serve({ list: ['127.0.0.1'] });
    await until(() => tencent.fetchedAt !== undefined, 'a fetch', 15_000);
    expect(tencent.addresses).to.deep.equal(['127.0.0.1']);
  });

  it('should stop calling once closed, still answering with the list in hand', async () => {
    const tencent = await open();
    await until(() => api.calls.length >= 2, 'a refresh');
    tencent.close();
    const calls = api.calls.length;
    await sleep(2500);
    expect(api.calls.length).to.equal(calls);
    expect(tencent('127.0.0.1')).to.equal(true);
  });

  it('should not keep the process alive: its timer is unref’d', async () => {
    const code = [
      "import { tencentCallbackAddresses } from 'tencent-chat-recall-webhook';",
      'const tencent = await tencentCallbackAddresses({',
      `  sdkAppId: ${String(APP)}, identifier: '${ADMIN}', secretKey: process.env.IM_SECRET_KEY,`,
      `  endpoint: process.env.IM_API_URL, nettype: 6, refreshSeconds: 1,`,
      '});',
      "console.log(tencent.addresses.join(' '));",
    ].join('\n');
    const file = writeExample('addresses-exit.ts', code);
    const started = Date.now();
    const { code: exit, stdout } = await run('node', ['--import', 'tsx', file.pathname], {
      IM_SECRET_KEY: SECRET_KEY,
      IM_API_URL: api.url,
    });
    expect([exit, stdout]).to.deep.equal([0, '127.0.0.1 183.192.202.0/25\n']);
    expect(Date.now() - started).to.be.below(10_000);
  });

  it('should never put the key or a UserSig in an error, the state or the log', async () => {
    const tencent = await open();
    for (const [, answer] of FAILURES) {
      api.serve(answer);
      await until(() => tencent.failures >= 1, 'a failed refresh');
      const error = tencent.lastError;
      const said = [error?.message, error?.stack, JSON.stringify(error), JSON.stringify(tencent)].join('\n');
      for (const call of api.calls) {
        const userSig = call.query.get('usersig') ?? '';
        expect(said).not.to.include(userSig);
        expect(lines.join('\n')).not.to.include(userSig);
      }
      expect(said).not.to.include(SECRET_KEY);
      api.serve({ list: ['127.0.0.1'] });
      await until(() => tencent.failures === 0, 'a refresh after the failure', 15_000);
    }
    expect(lines.join('\n')).not.to.include(SECRET_KEY);
  }).timeout(120_000);
});

describe('tencentCallbackAddresses() options', () => {
  const good: TencentCallbackAddressesOptions = {
    sdkAppId: APP,
    identifier: ADMIN,
    secretKey: SECRET_KEY,
    region: 'singapore',
    nettype: 6,
  };
  const mistake = async (options: unknown, message: RegExp | string): Promise<void> => {
    const error = await tencentCallbackAddresses(options as TencentCallbackAddressesOptions).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error, JSON.stringify(options)).to.be.instanceOf(TypeError);
    if (typeof message === 'string')
      expect((error as Error).message).to.equal(`tencent-chat-recall-webhook: ${message}`);
    else expect((error as Error).message).to.match(message);
  };

  it('should refuse a mistake with a TypeError that says how to fix it, before any call', async () => {
    await mistake(undefined, /needs an options object, e\.g\. tencentCallbackAddresses\(\{ sdkAppId: 1400000000/);
    await mistake(
      { ...good, secretKey: undefined },
      /`secretKey` is missing\. .*process\.env\.IM_SECRET_KEY \} \(check that the variable is set\)/,
    );
    await mistake({ ...good, secretKey: '' }, /`secretKey` must be the secret key from the Chat console/);
    await mistake(
      { ...good, nettype: undefined },
      /`nettype` must be 5, .*or 6, .*got undefined: the two lists differ/,
    );
    await mistake({ ...good, nettype: 0 }, /`nettype` must be 5/);
    await mistake(
      { ...good, region: 'singpore' },
      "`region` \"singpore\" is not one of Tencent's data centres: did you mean 'singapore'?",
    );
    await mistake(
      { ...good, region: undefined },
      /`region` is missing: give the app's data centre \(china, singapore, /,
    );
    await mistake({ ...good, endpoint: 'ftp://proxy' }, /`endpoint` must be the http\(s\) URL/);
    await mistake({ ...good, refreshSeconds: 0 }, '`refreshSeconds` must be a number from 1 to 86400, got 0.');
    await mistake({ ...good, timeoutMs: 60_001 }, '`timeoutMs` must be a number from 1 to 60000, got 60001.');
    await mistake({ ...good, identifier: '' }, /`identifier` must be an App admin/);
    await mistake({ ...good, identifier: 'x'.repeat(33) }, /`identifier` must be an App admin/);
    await mistake({ ...good, sdkAppId: 'app' }, /`sdkAppId` "app" is not a whole number/);
    await mistake({ ...good, initialAddresses: [] }, /`initialAddresses` must be a non-empty list/);
    await mistake(
      { ...good, initialAddresses: ['10.0.0.0/8', 'nope'] },
      /`initialAddresses` entry "nope" is not an IPv4 or IPv6 address/,
    );
    await mistake(
      { ...good, initialAddresses: Object.assign(new Array<string>(2), { 1: '10.0.0.0/8' }) },
      /`initialAddresses` entry undefined is not a string/,
    );
    await mistake(
      { ...good, initialAddresses: ['0.0.0.0/0'] },
      /`initialAddresses` entry "0\.0\.0\.0\/0" covers all or most of an address family/,
    );
    await mistake(
      { ...good, endpoint: 'https://user:secret@proxy.example/' },
      /`endpoint` must not hold a user name or password/,
    );
    await mistake(
      { ...good, endpoint: 'http://proxy.example/' },
      /`endpoint` must be an https URL, got one on http to proxy\.example: each call carries an admin UserSig/,
    );
    await mistake({ ...good, onRefreshError: 'log' }, '`onRefreshError` must be a function.');
    await mistake(
      { ...good, refreshSecond: 60 },
      'unknown option `refreshSecond` of tencentCallbackAddresses. Did you mean `refreshSeconds`?',
    );
  });

  it('should never put the key in a message', async () => {
    for (const options of [
      { ...good, nettype: 7 },
      { ...good, region: 'mars' },
      { ...good, extra: 1 },
    ]) {
      const error = (await tencentCallbackAddresses(options as TencentCallbackAddressesOptions).catch(
        (e: unknown) => e,
      )) as Error;
      expect(error.message).not.to.include(SECRET_KEY);
    }
  });
});
