import { parseArgs } from 'node:util';
import { tencentCallbackAddresses, type TencentRegion } from '../rest/callback-addresses.js';
import { USAGE_ERROR, UsageError, type CommandResult, type Output } from './output.js';

const ADDRESSES_HELP = `Usage: tencent-chat-recall-webhook addresses [options]

Prints Tencent's callback egress addresses for an app, one per line, as the REST API
v4/ConfigSvc/GetIPList gives them: what to give allowFrom (tencentCallbackAddresses()
keeps them current). The app's secret key is read from IM_SECRET_KEY, never from the
command line, and signs a short-lived admin UserSig; neither is printed.

Options:
  --sdkappid <id>       the app's SDKAppID (env SDKAPPID)
  --identifier <admin>  an App admin of the app (default administrator)
  --region <name>       the app's data centre: china, singapore, korea, japan, germany,
                        usa or indonesia
  --endpoint <url>      the REST API's base URL, over --region (a proxy of yours)
  --nettype <5|6>       5 for a receiver in the Chinese mainland or Hong Kong, 6 for one
                        outside: the two lists differ
  -h, --help            show this help`;

/** `addresses`: one call to GetIPList, its list on stdout. */
export async function addresses(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  output: Output,
): CommandResult {
  const { values } = parseArgs({
    args: [...args],
    options: {
      sdkappid: { type: 'string' },
      identifier: { type: 'string' },
      region: { type: 'string' },
      endpoint: { type: 'string' },
      nettype: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    output.out(ADDRESSES_HELP);
    return 0;
  }
  const sdkAppId = values.sdkappid ?? env.SDKAPPID;
  if (sdkAppId === undefined) throw new UsageError('addresses needs the app: --sdkappid 1400000000');
  if (values.nettype !== '5' && values.nettype !== '6') {
    throw new UsageError(
      `--nettype must be 5 (a receiver in the Chinese mainland or Hong Kong) or 6 (one outside), got ${values.nettype === undefined ? 'none' : `'${values.nettype}'`}`,
    );
  }
  let list: readonly string[];
  try {
    const tencent = await tencentCallbackAddresses({
      sdkAppId,
      identifier: values.identifier ?? 'administrator',
      secretKey: env.IM_SECRET_KEY === '' ? undefined : env.IM_SECRET_KEY,
      region: values.region as TencentRegion | undefined,
      endpoint: values.endpoint,
      nettype: values.nettype === '5' ? 5 : 6,
    });
    tencent.close();
    list = tencent.addresses;
  } catch (error) {
    const message = (error as Error).message.replace(/^tencent-chat-recall-webhook: /, '');
    output.err(
      error instanceof TypeError
        ? `${message}\nRun 'tencent-chat-recall-webhook addresses --help' for its options.`
        : `error: ${message}`,
    );
    return error instanceof TypeError ? USAGE_ERROR : 1;
  }
  for (const entry of list) output.out(entry);
  return 0;
}
