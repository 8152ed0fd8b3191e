import { expect } from 'chai';
import { Ajv, type ValidateFunction } from 'ajv';
import { resolveCommands } from '../../lib/options/commands.js';
import { SchemaCompiler } from '../../lib/options/schemas.js';
import { validateGroupRecallBody, validateRecallBody } from '../../lib/protocol/default-validators.js';
import type { RecallWebhookOptions } from '../../lib/options/options.js';
import { resolveConfig } from '../../lib/options/resolve.js';
import { RECALL_COMMANDS } from '../../lib/protocol/commands.js';
import { groupRecallBodySchema, officialAccountRecallBodySchema } from '../../lib/protocol/schemas.js';
import { sampleGroupRecall, sampleRecall } from '../../lib/testing/sample.js';

const ajv = new SchemaCompiler(new Ajv());
const GROUP = 'Group.CallbackAfterRecallMsg';
const C2C = 'C2C.CallbackAfterMsgWithDraw';
const ALL = [...RECALL_COMMANDS];

function resolve(options: Partial<RecallWebhookOptions>) {
  return resolveCommands(options, ajv);
}

/** `resolve` for options a JavaScript caller could pass, whatever their types. */
function resolveUnchecked(options: Record<string, unknown>) {
  return resolveCommands(options, ajv);
}

function validator(options: Partial<RecallWebhookOptions>, command: string) {
  const resolved = resolve(options).get(command);
  if (resolved === undefined) throw new Error(`${command} is not resolved`);
  return resolved.validateBody;
}

describe('options/commands', () => {
  it('should answer only the one-to-one recall by default, as before other commands existed', () => {
    expect([...resolve({}).keys()]).to.deep.equal([C2C]);
  });

  it('should answer every listed command, each with its own definition and default schema', () => {
    const resolved = resolve({ commands: [GROUP, 'OfficialAccount.CallbackAfterMsgWithDraw'] });
    expect([...resolved.keys()]).to.deep.equal([GROUP, 'OfficialAccount.CallbackAfterMsgWithDraw']);
    expect(resolved.get(GROUP)?.definition.event).to.equal('groupRecall');
    expect((resolved.get(GROUP)?.validateBody as ValidateFunction | undefined)?.schema).to.equal(groupRecallBodySchema);
    expect(
      (resolved.get('OfficialAccount.CallbackAfterMsgWithDraw')?.validateBody as ValidateFunction | undefined)?.schema,
    ).to.equal(officialAccountRecallBodySchema);
  });

  it('should use the validators compiled at build time, loading no Ajv, when the app gives no schema and no ajv', () => {
    const resolved = resolveCommands({ commands: [GROUP, C2C] }, SchemaCompiler.of(undefined));
    expect(resolved.get(C2C)?.validateBody).to.equal(validateRecallBody);
    expect(resolved.get(GROUP)?.validateBody).to.equal(validateGroupRecallBody);
  });

  it('should take a command listed twice as once', () => {
    expect([...resolve({ commands: [GROUP, GROUP] }).keys()]).to.deep.equal([GROUP]);
  });

  it('should throw a TypeError with a suggestion for a misspelt command', () => {
    expect(() => resolveUnchecked({ commands: ['Group.CallbackAfterRecallMessage'] })).to.throw(
      TypeError,
      /`commands` names "Group\.CallbackAfterRecallMessage", which is not a recall command\. Did you mean 'Group\.CallbackAfterRecallMsg'\?/,
    );
    expect(() => resolveUnchecked({ commands: ['group'] })).to.throw(
      TypeError,
      /Did you mean 'Group\.CallbackAfterRecallMsg'/,
    );
  });

  it('should throw a TypeError listing the commands for a name like none of them, or a command that is no recall', () => {
    for (const name of ['C2C.CallbackAfterSendMsg', 'xyz', 7]) {
      expect(() => resolveUnchecked({ commands: [C2C, name] }), String(name)).to.throw(TypeError, /recall command/);
    }
    expect(() => resolveUnchecked({ commands: ['xyz'] })).to.throw(
      TypeError,
      /The recall commands are C2C\.CallbackAfterMsgWithDraw, Group\.CallbackAfterRecallMsg, OfficialAccount\.CallbackAfterMsgWithDraw\./,
    );
  });

  it('should throw a TypeError for an empty list or something that is not a list', () => {
    for (const commands of [[], C2C, {}, null]) {
      expect(() => resolveUnchecked({ commands }), JSON.stringify(commands)).to.throw(
        TypeError,
        "`commands` must be a non-empty list of recall commands, e.g. { commands: ['C2C.CallbackAfterMsgWithDraw', " +
          "'Group.CallbackAfterRecallMsg', 'OfficialAccount.CallbackAfterMsgWithDraw'] }.",
      );
    }
  });

  describe('schemas', () => {
    it("should replace a command's schema, or extend a copy of its default, leaving the default unchanged", () => {
      const before = JSON.stringify(groupRecallBodySchema);
      const extended = validator(
        {
          commands: ALL,
          schemas: { [GROUP]: (s) => ({ ...s, required: [...(s.required as string[]), 'TopicId'] }) },
        },
        GROUP,
      );
      expect(extended(sampleGroupRecall())).to.equal(true);
      expect(extended(sampleGroupRecall({}, 'international-docs'))).to.equal(false);
      expect(JSON.stringify(groupRecallBodySchema)).to.equal(before);
      const replaced = validator({ commands: ALL, schemas: { [GROUP]: { type: 'object', maxProperties: 2 } } }, GROUP);
      expect(replaced(sampleGroupRecall())).to.equal(false);
      expect(replaced({ a: 1 })).to.equal(true);
    });

    it('should leave the other commands their defaults', () => {
      const resolved = resolve({ commands: ALL, schemas: { [GROUP]: { type: 'object' } } });
      expect(resolved.get(C2C)?.validateBody(sampleRecall({ MsgKey: '' }))).to.equal(false);
    });

    it("should take the one-to-one recall's schema from schema or from schemas, the same way", () => {
      const strict = (s: Record<string, unknown>) => ({ ...s, required: [...(s.required as string[]), 'EventTime'] });
      for (const options of [{ schema: strict }, { schemas: { [C2C]: strict } }]) {
        const validate = validator(options, C2C);
        expect(validate(sampleRecall()), JSON.stringify(Object.keys(options))).to.equal(false);
        expect(validate(sampleRecall({ EventTime: 1 }))).to.equal(true);
      }
    });

    it("should throw a TypeError when schema and schemas both give the one-to-one recall's schema", () => {
      expect(() => resolve({ schema: {}, schemas: { [C2C]: {} } })).to.throw(
        TypeError,
        /`schema` and `schemas\['C2C\.CallbackAfterMsgWithDraw'\]` both replace/,
      );
    });

    it('should throw a TypeError for a schema of a command the receiver does not answer', () => {
      expect(() => resolve({ schemas: { [GROUP]: {} } })).to.throw(
        TypeError,
        /`schemas\['Group\.CallbackAfterRecallMsg'\]` is a body schema for Group\.CallbackAfterRecallMsg, which this receiver does not answer: add it to `commands`\./,
      );
      expect(() => resolve({ commands: [GROUP], schema: {} })).to.throw(TypeError, /`schema` is a body schema for C2C/);
    });

    it('should throw a TypeError with a suggestion for a misspelt command in schemas, or schemas that are no object', () => {
      expect(() => resolveUnchecked({ commands: ALL, schemas: { 'Group.CallbackAfterRecall': {} } })).to.throw(
        TypeError,
        /`schemas` names "Group\.CallbackAfterRecall", which is not a recall command\. Did you mean 'Group\.CallbackAfterRecallMsg'\?/,
      );
      for (const schemas of [[], 'x', null]) {
        expect(() => resolveUnchecked({ schemas }), JSON.stringify(schemas)).to.throw(
          TypeError,
          /`schemas` must be an object/,
        );
      }
    });

    it('should name the option of a schema Ajv cannot compile', () => {
      expect(() => resolve({ commands: ALL, schemas: { [GROUP]: { type: 'nonsense' } } })).to.throw(
        TypeError,
        /`schemas\['Group\.CallbackAfterRecallMsg'\]` is not a schema this Ajv can compile/,
      );
    });

    it("should name where each command's schema goes when the app's Ajv refuses even a default", () => {
      const refusing = {
        compile: () => {
          throw new Error('refused');
        },
      } as unknown as Ajv;
      expect(() => resolveCommands({ commands: [GROUP] }, new SchemaCompiler(refusing))).to.throw(
        TypeError,
        /`schemas\['Group\.CallbackAfterRecallMsg'\]` is not a schema this Ajv can compile: refused/,
      );
      expect(() => resolveCommands({}, new SchemaCompiler(refusing))).to.throw(
        TypeError,
        /`schema` is not a schema this Ajv can compile/,
      );
    });

    it('should ignore a command set to undefined, as for every other option', () => {
      expect(resolve({ schemas: { [GROUP]: undefined } }).has(C2C)).to.equal(true);
    });
  });

  it('should be checked by every factory through resolveConfig, with the unknown-option check knowing both names', () => {
    expect(() => resolveConfig({ sdkAppId: 1, allowUnsigned: true, commands: [] })).to.throw(TypeError, /`commands`/);
    expect(() => resolveConfig({ sdkAppId: 1, allowUnsigned: true, command: [C2C] } as RecallWebhookOptions)).to.throw(
      TypeError,
      /Did you mean `commands`\?/,
    );
    expect(() => resolveConfig({ sdkAppId: 1, allowUnsigned: true, schemaz: {} } as RecallWebhookOptions)).to.throw(
      TypeError,
      /Did you mean `schema/,
    );
  });
});
