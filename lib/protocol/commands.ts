import { isJsonObject } from './json.js';
import { groupRecallBodySchema, officialAccountRecallBodySchema, recallBodySchema, type Validator } from './schemas.js';
import {
  validateGroupRecallBody,
  validateOfficialAccountRecallBody,
  validateRecallBody,
} from './default-validators.js';

// The recall callbacks of Tencent Cloud Chat. One callback URL receives every command the app
// enabled, told apart by `CallbackCommand` in the query and in the body (protocol.md, "Who calls
// whom" and "The other recall callbacks"); there is no "before recall" callback for any chat type.

/** A one-to-one message was recalled. */
export const RECALL_COMMAND = 'C2C.CallbackAfterMsgWithDraw';
/** A group message was recalled, by a member or by an admin through the REST API. */
export const GROUP_RECALL_COMMAND = 'Group.CallbackAfterRecallMsg';
/** An Official Account message was recalled. */
export const OFFICIAL_ACCOUNT_RECALL_COMMAND = 'OfficialAccount.CallbackAfterMsgWithDraw';

/** Every recall command, in the order of the `commands` option's documentation. */
export const RECALL_COMMANDS = [RECALL_COMMAND, GROUP_RECALL_COMMAND, OFFICIAL_ACCOUNT_RECALL_COMMAND] as const;

/** The `CallbackCommand` of a recall callback. */
export type RecallCommand = (typeof RECALL_COMMANDS)[number];

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

/** The body of a `Group.CallbackAfterRecallMsg` callback, as `groupRecallBodySchema` accepts it. */
export interface GroupRecallBody {
  /** Always `Group.CallbackAfterRecallMsg`; checked against the query's `CallbackCommand`. */
  readonly CallbackCommand: string;
  /**
   * UserID of who recalled: a member, or `admin` for a recall through the REST API. Optional, and
   * `""` means none: the event's `operator` is then `undefined`.
   */
  readonly Operator_Account?: string;
  /**
   * The group's type: `Public`, `Private` (`Work`), `ChatRoom` (`Meeting`), `AVChatRoom`,
   * `Community`, or one Tencent adds. Optional; `""` means none.
   */
  readonly Type?: string;
  readonly GroupId: string;
  /** The recalled messages, at least one: one REST recall takes up to 10. */
  readonly MsgSeqList: readonly GroupRecalledMessage[];
  /**
   * The topic, for a message in a topic of a topic-enabled Community group. Tencent's newer pages
   * write `""` for a group without topics; the event's `conversation.topicId` is then `undefined`.
   */
  readonly TopicId?: string;
  /** When the recall happened, in milliseconds, as a number or (international pages) a numeric string. */
  readonly EventTime?: number | string;
  readonly [extra: string]: unknown;
}

/** One item of a group recall's `MsgSeqList`. */
export interface GroupRecalledMessage {
  /** The message's sequence number in the group (or in its topic). */
  readonly MsgSeq: number;
  /** The message's ID, sent per the newer Chinese pages; `""` means none (`msgId` is then `undefined`). */
  readonly MsgId?: string;
  readonly [extra: string]: unknown;
}

/** The body of an `OfficialAccount.CallbackAfterMsgWithDraw` callback, as `officialAccountRecallBodySchema` accepts it. */
export interface OfficialAccountRecallBody {
  /** Always `OfficialAccount.CallbackAfterMsgWithDraw`; checked against the query's `CallbackCommand`. */
  readonly CallbackCommand: string;
  /** The Official Account's ID, e.g. `#TOA#_123`. */
  readonly Official_Account: string;
  /** The recalled messages, at least one. */
  readonly WithdrawMsgList: readonly { readonly MsgKey: string; readonly [extra: string]: unknown }[];
  /**
   * When the recall happened, in milliseconds; a numeric string is accepted as for the other
   * commands. The page's table lists it, but it names nothing, so a body without it is accepted.
   */
  readonly EventTime?: number | string;
  readonly [extra: string]: unknown;
}

// The view every recall event carries whatever its command, so that one function can mark the
// recalled messages in an app's own store. Each field is present on every shape with `undefined`
// where a command does not give it, so that code handling any recall reads it without narrowing.

/** A one-to-one conversation: the recalled message went `from` one user `to` another. */
export interface C2CConversation {
  readonly type: 'c2c';
  readonly from: string;
  readonly to: string;
}

/** A group, and the topic when the message was in one of a Community group's topics. */
export interface GroupConversation {
  readonly type: 'group';
  readonly groupId: string;
  readonly topicId: string | undefined;
}

/** An Official Account's conversation. */
export interface OfficialAccountConversation {
  readonly type: 'officialAccount';
  readonly account: string;
}

export type Conversation = C2CConversation | GroupConversation | OfficialAccountConversation;

/**
 * A recalled message, by the identifiers its command gives: `msgKey` for one-to-one and Official
 * Account messages; `msgSeq` (within the group, or its topic) and, when sent, `msgId` for group ones.
 */
export interface RecalledMessage {
  readonly msgKey: string | undefined;
  readonly msgSeq: number | undefined;
  readonly msgId: string | undefined;
}

/** What a recall callback says, read the same way for every command. */
export interface RecallView {
  readonly conversation: Conversation;
  readonly messages: readonly RecalledMessage[];
  /** Who recalled, where the command says: group recalls only (`Operator_Account`). */
  readonly operator: string | undefined;
}

/**
 * One callback command this package handles: all the pipeline knows of it, so that handling
 * another command is one more entry in `COMMANDS`, and no edit elsewhere.
 */
export interface CommandDefinition {
  /** `CallbackCommand`, in the query and in the body. */
  readonly command: RecallCommand;
  /** The event a valid, authentic callback of the command is emitted as. */
  readonly event: 'recall' | 'groupRecall' | 'officialAccountRecall';
  /** The body's default JSON Schema; the app may replace it. */
  readonly bodySchema: Readonly<Record<string, unknown>>;
  /** `bodySchema` compiled at build time (scripts/schema-files.ts): no Ajv at run time. */
  readonly validateBody: Validator;
  /**
   * The body as a `RecallView`, or where it lacks what the event needs: an app's own schema may
   * let anything through, but no event is emitted without the recalled messages.
   */
  readonly read: (body: Readonly<Record<string, unknown>>) => RecallView | Unreadable;
  /** What `read` needs, for the error that refuses a body without it. */
  readonly needs: string;
}

/** A body that does not name its recalled messages, and the field at fault. */
interface Unreadable {
  /** The JSON Pointer of the field at fault, such as `/MsgKey` or `/MsgSeqList/0/MsgSeq`. */
  readonly fault: string;
}

type Body = Readonly<Record<string, unknown>>;

/**
 * `C2C.CallbackAfterMsgWithDraw`: `MsgKey` names the message.
 * @internal
 */
export const C2C_RECALL: CommandDefinition = {
  command: RECALL_COMMAND,
  event: 'recall',
  bodySchema: recallBodySchema,
  validateBody: validateRecallBody,
  needs: 'a non-empty MsgKey',
  read: (body) => {
    const msgKey = nonEmpty(body.MsgKey);
    if (msgKey === undefined) return { fault: '/MsgKey' };
    return {
      conversation: { type: 'c2c', from: text(body.From_Account), to: text(body.To_Account) },
      messages: [{ msgKey, msgSeq: undefined, msgId: undefined }],
      // The callback does not say: the sender on a client, or an admin through the REST API.
      operator: undefined,
    };
  },
};

/**
 * `Group.CallbackAfterRecallMsg`: `GroupId`, `TopicId` and each `MsgSeq` name the messages.
 * @internal
 */
export const GROUP_RECALL: CommandDefinition = {
  command: GROUP_RECALL_COMMAND,
  event: 'groupRecall',
  bodySchema: groupRecallBodySchema,
  validateBody: validateGroupRecallBody,
  needs: 'a non-empty GroupId and a non-empty MsgSeqList of objects whose MsgSeq is a non-negative integer',
  read: (body) => {
    const groupId = nonEmpty(body.GroupId);
    if (groupId === undefined) return { fault: '/GroupId' };
    const messages = listOf(body.MsgSeqList, '/MsgSeqList', 'MsgSeq', (item) => {
      const msgSeq = item.MsgSeq;
      if (typeof msgSeq !== 'number' || !Number.isSafeInteger(msgSeq) || msgSeq < 0) return undefined;
      return { msgKey: undefined, msgSeq, msgId: nonEmpty(item.MsgId) };
    });
    if (!Array.isArray(messages)) return messages;
    return {
      conversation: { type: 'group', groupId, topicId: nonEmpty(body.TopicId) },
      messages,
      operator: nonEmpty(body.Operator_Account),
    };
  },
};

/**
 * `OfficialAccount.CallbackAfterMsgWithDraw`: `Official_Account` and each `MsgKey` name the messages.
 * @internal
 */
export const OFFICIAL_ACCOUNT_RECALL: CommandDefinition = {
  command: OFFICIAL_ACCOUNT_RECALL_COMMAND,
  event: 'officialAccountRecall',
  bodySchema: officialAccountRecallBodySchema,
  validateBody: validateOfficialAccountRecallBody,
  needs: 'a non-empty Official_Account and a non-empty WithdrawMsgList of objects with a non-empty MsgKey',
  read: (body) => {
    const account = nonEmpty(body.Official_Account);
    if (account === undefined) return { fault: '/Official_Account' };
    const messages = listOf(body.WithdrawMsgList, '/WithdrawMsgList', 'MsgKey', (item) => {
      const msgKey = nonEmpty(item.MsgKey);
      return msgKey === undefined ? undefined : { msgKey, msgSeq: undefined, msgId: undefined };
    });
    if (!Array.isArray(messages)) return messages;
    return { conversation: { type: 'officialAccount', account }, messages, operator: undefined };
  },
};

/** Every command this package handles. */
export const COMMANDS: readonly CommandDefinition[] = [C2C_RECALL, GROUP_RECALL, OFFICIAL_ACCOUNT_RECALL];

/**
 * What names a recall within its app, for the log and for dedupe: a message is recalled only
 * once. The same `MsgSeq` in two groups or two topics is two recalls; the parts are written as
 * JSON so that no two lists of parts give one text. A callback of several messages names the set
 * of them: their order in the list, or one listed twice, does not make another recall
 * (`[1, 2]` is `[2, 1]`, `[5, 5]` is `[5]`). Worked out only when needed: most receivers neither
 * deduplicate nor log.
 */
export function recallIdentity({ conversation, messages }: RecallView): string {
  switch (conversation.type) {
    case 'c2c':
      // Kept as it was before other commands existed, so that claims in a store stay valid.
      return messages[0]?.msgKey ?? '';
    case 'group':
      // Whether MsgSeq counts per topic is not documented, so the topic is part of the identity.
      return JSON.stringify([
        conversation.groupId,
        conversation.topicId ?? null,
        setOf(messages.map(({ msgSeq }) => msgSeq)),
      ]);
    case 'officialAccount':
      return JSON.stringify([conversation.account, setOf(messages.map(({ msgKey }) => msgKey))]);
  }
}

/** Each of `values` once, in a fixed order: any fixed order names a set, and sort()'s own compares as text. */
function setOf<T>(values: readonly T[]): readonly T[] {
  return [...new Set(values)].sort();
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// A schema of the app's may let a field be missing or of another type: the view then says ''.
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/**
 * Each item of a non-empty array of objects at `pointer`, read by `each` from the item's `field`;
 * the first item that cannot be read is the fault.
 */
function listOf(
  value: unknown,
  pointer: string,
  field: string,
  each: (item: Body) => RecalledMessage | undefined,
): RecalledMessage[] | Unreadable {
  if (!Array.isArray(value) || value.length === 0) return { fault: pointer };
  const read: RecalledMessage[] = [];
  for (let index = 0; index < value.length; index++) {
    const item: unknown = value[index];
    if (!isJsonObject(item)) return { fault: `${pointer}/${String(index)}` };
    const message = each(item);
    if (message === undefined) return { fault: `${pointer}/${String(index)}/${field}` };
    read.push(message);
  }
  return read;
}
