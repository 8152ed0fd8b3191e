import type { Ajv } from 'ajv';
import { loadAjv } from '#runtime';
import type { JsonSchema, PrecompiledSchema, SchemaOverride } from './options.js';
import { configError, hasMethods } from './checks.js';
import { describeCause } from '../log.js';
import { isJsonObject } from '../protocol/json.js';
import type { Validator } from '../protocol/schemas.js';

let sharedAjv: Ajv | undefined;

/**
 * Where the JSON Schemas of one receiver are compiled: the app's `ajv`, or else one Ajv for every
 * receiver created without it, loaded on the first schema that needs it (the default schemas are
 * compiled at build time, so a receiver without a schema of its own never loads Ajv). Ajv caches
 * by schema object, and its default strictness refuses unknown keywords, so a misspelt keyword in
 * an override fails at creation.
 */
export class SchemaCompiler {
  constructor(private readonly appAjv: Ajv | undefined) {}

  /** The `ajv` option, checked. */
  static of(option: unknown): SchemaCompiler {
    if (option !== undefined && !hasMethods(option, ['compile'])) {
      throw configError('`ajv` must be an Ajv instance, e.g. new Ajv().');
    }
    return new SchemaCompiler(option as Ajv | undefined);
  }

  /**
   * The validator of `option`: the precompiled default where the app changed nothing (with an
   * `ajv` of its own, the app's Ajv compiles the default too, with its own options, where the
   * runtime lets it), the app's `{ validate }` as given, or its schema compiled.
   */
  validator(
    option: string,
    override: SchemaOverride | undefined,
    defaults: JsonSchema,
    precompiled: Validator | undefined,
  ): Validator {
    // Where no Ajv can compile, the default is the same schema compiled at build time.
    if (
      override === undefined &&
      precompiled !== undefined &&
      (this.appAjv === undefined || !codeGenerationAllowed())
    ) {
      return precompiled;
    }
    if (isPrecompiled(override)) return override.validate;
    const schema = resolveSchema(option, override, defaults);
    // Asked before Ajv tries, which would log its whole generated code first.
    if (!codeGenerationAllowed()) throw codeGenerationDisallowed(option);
    return compileSchema(this.ajv(option), option, schema);
  }

  private ajv(option: string): Ajv {
    if (this.appAjv !== undefined) return this.appAjv;
    if (sharedAjv === undefined) {
      const AjvClass = loadAjv();
      if (AjvClass === undefined) {
        throw configError(
          `\`${option}\` is a JSON Schema, and this build of the package (the one for Workers, the edge, Deno and ` +
            'Bun) loads no Ajv of its own: pass your Ajv with it, { ajv: new Ajv() }, or a validator precompiled ' +
            'with Ajv\'s standalone code, { validate } (docs/deploy.md, "Schemas of your own").',
        );
      }
      sharedAjv = new AjvClass();
    }
    return sharedAjv;
  }
}

// A JSON Schema holds only JSON: an object whose `validate` is a function is a validator.
function isPrecompiled(override: SchemaOverride | undefined): override is PrecompiledSchema {
  return typeof override === 'object' && typeof (override as { validate?: unknown }).validate === 'function';
}

/**
 * The schema an override asks for: the default, a replacement, or what a function built from a copy.
 * @internal
 */
export function resolveSchema(option: string, override: SchemaOverride | undefined, defaults: JsonSchema): JsonSchema {
  if (override === undefined) return defaults;
  const schema: unknown = typeof override === 'function' ? override(structuredClone(defaults)) : override;
  if (!isJsonObject(schema)) {
    throw configError(`\`${option}\` must be a JSON Schema object, or a function that returns one.`);
  }
  return schema;
}

/**
 * Compiles once, at creation; a schema Ajv rejects is a configuration error, reported then.
 * @internal
 */
export function compileSchema(ajv: Ajv, option: string, schema: JsonSchema): Validator {
  let validate: Validator;
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

let generatesCode: boolean | undefined;

/**
 * Whether this runtime compiles code from strings, as Ajv does: not on Cloudflare Workers, nor on
 * Node.js with `--disallow-code-generation-from-strings`, where `new Function` throws an EvalError.
 */
function codeGenerationAllowed(): boolean {
  if (generatesCode === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the question is whether it throws
      new Function('');
      generatesCode = true;
    } catch {
      generatesCode = false;
    }
  }
  return generatesCode;
}

function codeGenerationDisallowed(option: string): TypeError {
  return configError(
    `\`${option}\` is a JSON Schema, and this runtime disallows code generation from strings (Cloudflare Workers, ` +
      "node --disallow-code-generation-from-strings), which Ajv needs to compile one. Precompile it with Ajv's " +
      'standalone code and pass { validate }, or pass a validator function (docs/deploy.md, "Schemas of your own").',
  );
}

/**
 * Ajv keeps every schema with an `$id` under it and refuses another one with the same `$id`, so
 * creating the same receiver twice (one per route, or per test) would fail: an equal schema
 * already held is used again. On the Ajv shared by receivers created without an `ajv` option, a
 * different schema with the same `$id` gets an Ajv of its own: unrelated receivers must not
 * clash. On the app's own Ajv the clash is reported, as Ajv reports it.
 */
function compileOnce(ajv: Ajv, schema: JsonSchema): Validator {
  const id = schema.$id;
  const held = typeof id === 'string' ? ajv.getSchema(id) : undefined;
  if (held === undefined) return ajv.compile(schema);
  if (JSON.stringify(held.schema) === JSON.stringify(schema)) return held;
  return ajv === sharedAjv ? new (ajv.constructor as new () => Ajv)().compile(schema) : ajv.compile(schema);
}
