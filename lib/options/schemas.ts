import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonSchema, SchemaOverride } from './options.js';
import { configError } from './checks.js';
import { describeCause } from '../log.js';
import { isJsonObject } from '../protocol/json.js';

let sharedAjv: Ajv | undefined;

/**
 * One Ajv for every middleware created without an `ajv` option, so that the frozen default
 * schemas are compiled once per process (Ajv caches by schema object). Ajv's default strictness
 * refuses unknown keywords, so a misspelt keyword in an override fails at creation.
 */
export function defaultAjv(): Ajv {
  sharedAjv ??= new Ajv();
  return sharedAjv;
}

/** The schema an override asks for: the default, a replacement, or what a function built from a copy. */
export function resolveSchema(option: string, override: SchemaOverride | undefined, defaults: JsonSchema): JsonSchema {
  if (override === undefined) return defaults;
  const schema: unknown = typeof override === 'function' ? override(structuredClone(defaults)) : override;
  if (!isJsonObject(schema)) {
    throw configError(`\`${option}\` must be a JSON Schema object, or a function that returns one.`);
  }
  return schema;
}

/** Compiles once, at creation; a schema Ajv rejects is a configuration error, reported then. */
export function compileSchema(ajv: Ajv, option: string, schema: JsonSchema): ValidateFunction {
  let validate: ValidateFunction;
  try {
    validate = compileOnce(ajv, schema);
  } catch (cause) {
    const reason = describeCause(cause);
    throw configError(`\`${option}\` is not a schema this Ajv can compile: ${reason}`);
  }
  // Ajv compiles an `$async` schema to a function that returns a promise, which is always truthy:
  // every callback would pass its checks, and a rejection would go unhandled.
  if ((validate as { $async?: unknown }).$async === true) {
    throw configError(
      `\`${option}\` is an async schema ($async: true): a callback is checked before anything is awaited, so it ` +
        'must be synchronous. Leave $async out, and do asynchronous checks in a listener.',
    );
  }
  return validate;
}

/**
 * Ajv keeps every schema with an `$id` under it and refuses another one with the same `$id`, so
 * creating the same receiver twice (one per route, or per test) would fail: an equal schema
 * already held is used again. On the Ajv shared by receivers created without an `ajv` option, a
 * different schema with the same `$id` gets an Ajv of its own: unrelated receivers must not
 * clash. On the app's own Ajv the clash is reported, as Ajv reports it.
 */
function compileOnce(ajv: Ajv, schema: JsonSchema): ValidateFunction {
  const id = schema.$id;
  const held = typeof id === 'string' ? ajv.getSchema(id) : undefined;
  if (held === undefined) return ajv.compile(schema);
  if (JSON.stringify(held.schema) === JSON.stringify(schema)) return held;
  return ajv === sharedAjv ? new Ajv().compile(schema) : ajv.compile(schema);
}
