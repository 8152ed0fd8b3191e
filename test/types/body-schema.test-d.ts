// Type test, checked by `npm run typecheck`: the RecallBody type and the default body schema
// describe the same fields, with the same types and the same required ones.
import type { recallBodySchema } from '../../lib/protocol/schemas.js';
import type { RecallBody } from '../../lib/protocol/commands.js';

type Schema = typeof recallBodySchema;
type Properties = Schema['properties'];
type Required = Schema['required'][number];

type TypeOf<P> = P extends { readonly anyOf: readonly (infer Each)[] }
  ? TypeOf<Each>
  : P extends { readonly type: 'string' }
    ? string
    : P extends { readonly type: 'integer' }
      ? number
      : never;

type Flatten<T> = { [K in keyof T]: T[K] };
type FromSchema = Flatten<
  { readonly [K in Required]: TypeOf<Properties[K]> } & {
    readonly [K in Exclude<keyof Properties, Required>]?: TypeOf<Properties[K]>;
  }
>;
/** RecallBody without its index signature for extra fields. */
type KnownFields<T> = { [K in keyof T as string extends K ? never : K]: T[K] };

// The usual exact-equality test: the generic functions are equal only when A and B are.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const fieldsAgree: Equal<KnownFields<RecallBody>, FromSchema> = true;
// Extra fields: the schema allows them, and the type keeps them.
export const extrasAgree: Equal<Schema['additionalProperties'], true> = true;
export const typeKeepsExtras: Equal<RecallBody['SomeFutureField'], unknown> = true;
