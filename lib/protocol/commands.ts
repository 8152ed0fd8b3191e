import { recallBodySchema } from './schemas.js';

/** The callback command this package handles: a one-to-one message was recalled. */
export const RECALL_COMMAND = 'C2C.CallbackAfterMsgWithDraw';

/**
 * The body of a `C2C.CallbackAfterMsgWithDraw` callback, with the protocol's field names, as the
 * default schema (`recallBodySchema`) accepts it. A type test keeps the two in agreement.
 */
export interface RecallBody {
  /** Always `C2C.CallbackAfterMsgWithDraw`; checked against the query's `CallbackCommand`. */
  readonly CallbackCommand: string;
  /** UserID of the sender of the recalled message. */
  readonly From_Account: string;
  /** UserID of the recipient of the recalled message. */
  readonly To_Account: string;
  /** Unique id of the recalled message, e.g. `48374_2837546_1557481126`. */
  readonly MsgKey: string;
  /** Total unread one-to-one messages of `To_Account` (sent per the international docs). */
  readonly UnreadMsgNum?: number;
  /**
   * When the recall happened, in milliseconds (sent per the Chinese docs); sometimes a numeric
   * string. The event's `eventTime` gives it as a `Date`.
   */
  readonly EventTime?: number | string;
  /** Fields Tencent adds later are kept as received. */
  readonly [extra: string]: unknown;
}

/**
 * One callback command this package handles: all the pipeline knows of it, so that handling
 * another command is one more entry in `COMMANDS`, and no edit elsewhere.
 */
export interface CommandDefinition {
  /** `CallbackCommand`, in the query and in the body. */
  readonly command: string;
  /** The event a valid, authentic callback of the command is emitted as. */
  readonly event: 'recall';
  /** The body's default JSON Schema; the app may replace it. */
  readonly bodySchema: Readonly<Record<string, unknown>>;
  /**
   * What names the recalled message within its app, for the log and for dedupe (a message is
   * recalled only once); undefined when a body does not say, which refuses it whatever the schema.
   */
  readonly messageKey: (body: Readonly<Record<string, unknown>>) => string | undefined;
}

/** `C2C.CallbackAfterMsgWithDraw`: a one-to-one message was recalled; `MsgKey` names it. */
export const C2C_RECALL: CommandDefinition = {
  command: RECALL_COMMAND,
  event: 'recall',
  bodySchema: recallBodySchema,
  messageKey: (body) => (typeof body.MsgKey === 'string' && body.MsgKey !== '' ? body.MsgKey : undefined),
};

/** Every command this package handles. */
export const COMMANDS: readonly CommandDefinition[] = [C2C_RECALL];
