import { closest, configError, describe, everyEntry } from './checks.js';
import type { RecallWebhookOptions, SchemaOverride } from './options.js';
import type { SchemaCompiler } from './schemas.js';
import type { ResolvedCommand } from '../core/config.js';
import { isJsonObject } from '../protocol/json.js';
import { COMMANDS, RECALL_COMMAND, RECALL_COMMANDS, type RecallCommand } from '../protocol/commands.js';

/** Before the `commands` option, a receiver answered one-to-one recalls only; it still does by default. */
const DEFAULT_COMMANDS: readonly RecallCommand[] = [RECALL_COMMAND];

/**
 * The `commands` option with each command's body schema (`schema` for the one-to-one recall,
 * `schemas` for any) resolved and compiled, keyed by `CallbackCommand`. Throws a `TypeError` for
 * an unknown command, or a schema given for a command the receiver does not answer.
 */
export function resolveCommands(
  options: Pick<RecallWebhookOptions, 'commands' | 'schema' | 'schemas'>,
  compiler: SchemaCompiler,
): ReadonlyMap<string, ResolvedCommand> {
  const enabled = resolveCommandList(options.commands);
  const overrides = resolveOverrides(options, enabled);
  return new Map(
    COMMANDS.filter(({ command }) => enabled.includes(command)).map((definition) => {
      const override = overrides.get(definition.command);
      // An app's own `ajv` may refuse even a default: the message names where the schema goes.
      const option =
        override?.option ?? (definition.command === RECALL_COMMAND ? 'schema' : schemasOption(definition.command));
      const validateBody = compiler.validator(option, override?.value, definition.bodySchema, definition.validateBody);
      return [definition.command, { definition, validateBody }];
    }),
  );
}

function resolveCommandList(option: unknown): readonly RecallCommand[] {
  if (option === undefined) return DEFAULT_COMMANDS;
  const example = `e.g. { commands: ['${RECALL_COMMANDS.join("', '")}'] }`;
  if (!Array.isArray(option) || option.length === 0) {
    throw configError(`\`commands\` must be a non-empty list of recall commands, ${example}.`);
  }
  const list = everyEntry(option);
  for (const each of list) knownCommand(each, '`commands`');
  return list as RecallCommand[];
}

function knownCommand(name: unknown, where: string): RecallCommand {
  if (typeof name === 'string' && (RECALL_COMMANDS as readonly string[]).includes(name)) return name as RecallCommand;
  const guess = typeof name === 'string' ? closest(name, RECALL_COMMANDS) : undefined;
  const hint =
    guess === undefined ? `The recall commands are ${RECALL_COMMANDS.join(', ')}.` : `Did you mean '${guess}'?`;
  throw configError(`${where} names ${describe(name)}, which is not a recall command. ${hint}`);
}

/** How `schemas` names `command`'s body schema in an error. */
function schemasOption(command: RecallCommand): string {
  return `schemas['${command}']`;
}

interface Override {
  /** How the option is named in an error: `schema`, or `schemas['Group.CallbackAfterRecallMsg']`. */
  readonly option: string;
  readonly value: SchemaOverride;
}

function resolveOverrides(
  options: Pick<RecallWebhookOptions, 'schema' | 'schemas'>,
  enabled: readonly RecallCommand[],
): ReadonlyMap<RecallCommand, Override> {
  const overrides = new Map<RecallCommand, Override>();
  const given: unknown = options.schemas;
  if (given !== undefined) {
    if (!isJsonObject(given)) {
      throw configError(
        "`schemas` must be an object of body schemas by command, e.g. { 'Group.CallbackAfterRecallMsg': (s) => s }.",
      );
    }
    for (const [name, value] of Object.entries(given as Record<string, unknown>)) {
      if (value === undefined) continue;
      const command = knownCommand(name, '`schemas`');
      overrides.set(command, { option: schemasOption(command), value: value as SchemaOverride });
    }
  }
  if (options.schema !== undefined) {
    if (overrides.has(RECALL_COMMAND)) {
      throw configError(
        `\`schema\` and \`schemas['${RECALL_COMMAND}']\` both replace the one-to-one recall's body schema: give one.`,
      );
    }
    overrides.set(RECALL_COMMAND, { option: 'schema', value: options.schema });
  }
  for (const [command, { option }] of overrides) {
    if (!enabled.includes(command)) {
      throw configError(
        `\`${option}\` is a body schema for ${command}, which this receiver does not answer: add it to \`commands\`.`,
      );
    }
  }
  return overrides;
}
