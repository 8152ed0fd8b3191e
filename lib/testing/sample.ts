import { RECALL_COMMAND, type RecallBody } from '../protocol/commands.js';

/** Fields to put over the sample body: any of RecallBody's, or extra ones. */
export type RecallBodyOverrides = Partial<RecallBody> & Readonly<Record<string, unknown>>;

/**
 * A valid `C2C.CallbackAfterMsgWithDraw` body: the international docs' sample
 * (`jared` recalled `48374_2837546_1557481126` sent to `Jonh`, 7 unread), with `overrides` over it.
 */
export function sampleRecall(overrides: RecallBodyOverrides = {}): RecallBody {
  return {
    CallbackCommand: RECALL_COMMAND,
    From_Account: 'jared',
    To_Account: 'Jonh',
    MsgKey: '48374_2837546_1557481126',
    UnreadMsgNum: 7,
    ...overrides,
  };
}
