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
