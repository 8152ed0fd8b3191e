import { Ajv, type ValidateFunction } from 'ajv';
import type { JsonSchema, SchemaOverride } from './options.js';
import { configError } from './checks.js';
import { describeCause } from '../log.js';

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
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw configError(`\`${option}\` must be a JSON Schema object, or a function that returns one.`);
  }
  return schema as JsonSchema;
}

/** Compiles once, at creation; a schema Ajv rejects is a configuration error, reported then. */
export function compileSchema(ajv: Ajv, option: string, schema: JsonSchema): ValidateFunction {
  try {
    return ajv.compile(schema);
  } catch (cause) {
    const reason = describeCause(cause);
    throw configError(`\`${option}\` is not a schema this Ajv can compile: ${reason}`);
  }
}
