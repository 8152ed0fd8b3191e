// Type test, checked by `npm run typecheck`: each command's body type and its default body schema
// describe the same fields, with the same types and the same required ones, lists included.
import type {
  groupRecallBodySchema,
  officialAccountRecallBodySchema,
  recallBodySchema,
} from '../../lib/protocol/schemas.js';
import type { GroupRecallBody, OfficialAccountRecallBody, RecallBody } from '../../lib/protocol/commands.js';

type TypeOf<P> = P extends { readonly anyOf: readonly (infer Each)[] }
  ? TypeOf<Each>
  : P extends { readonly type: 'string' }
    ? string
    : P extends { readonly type: 'integer' }
      ? number
      : P extends { readonly type: 'array'; readonly items: infer Item }
        ? readonly TypeOf<Item>[]
        : P extends { readonly type: 'object' }
          ? FromSchema<P>
          : never;

type Flatten<T> = { [K in keyof T]: T[K] };
type FromSchema<S> = S extends { readonly properties: infer Properties; readonly required: readonly (infer Required)[] }
  ? Flatten<
      { readonly [K in Required & keyof Properties]: TypeOf<Properties[K]> } & {
        readonly [K in Exclude<keyof Properties, Required>]?: TypeOf<Properties[K]>;
      }
    >
  : never;

/** A type without the index signatures that keep extra fields, all the way down. */
type Known<T> = T extends readonly (infer Item)[]
  ? readonly Known<Item>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: Known<T[K]> }
    : T;

// The usual exact-equality test: the generic functions are equal only when A and B are.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const recallFieldsAgree: Equal<Known<RecallBody>, FromSchema<typeof recallBodySchema>> = true;
export const groupFieldsAgree: Equal<Known<GroupRecallBody>, FromSchema<typeof groupRecallBodySchema>> = true;
export const accountFieldsAgree: Equal<
  Known<OfficialAccountRecallBody>,
  FromSchema<typeof officialAccountRecallBodySchema>
> = true;
// Extra fields: the schemas allow them, and the types keep them.
interface Open {
  readonly additionalProperties: true;
}
export const extrasAgree: Equal<
  [
    typeof recallBodySchema,
    typeof groupRecallBodySchema,
    (typeof groupRecallBodySchema)['properties']['MsgSeqList']['items'],
    typeof officialAccountRecallBodySchema,
  ] extends readonly Open[]
    ? true
    : false,
  true
> = true;
export const typesKeepExtras: Equal<
  [RecallBody['SomeFutureField'], GroupRecallBody['SomeFutureField'], OfficialAccountRecallBody['SomeFutureField']],
  [unknown, unknown, unknown]
> = true;
