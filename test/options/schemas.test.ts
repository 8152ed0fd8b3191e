import { expect } from 'chai';
import { Ajv } from 'ajv';
import { describeFirstError } from '../../lib/core/decide.js';
import { compileSchema, resolveSchema } from '../../lib/options/schemas.js';
import { recallBodySchema } from '../../lib/protocol/schemas.js';
import { resolveConfig } from '../../lib/options/resolve.js';
import { GROUP_RECALL_COMMAND as GROUP, RECALL_COMMAND } from '../../lib/protocol/commands.js';
import { sampleRecall } from '../../lib/testing/sample.js';
import { receiverOptions } from '../fixtures/callbacks.js';

describe('schema/compile', () => {
  describe('resolveSchema()', () => {
    it('should refuse an override, or what an override function returns, that is not a schema object', () => {
      for (const value of [null, [], 'schema', 5]) {
        for (const override of [value, () => value]) {
          expect(() => resolveSchema('schema', override as never, recallBodySchema)).to.throw(
            TypeError,
            'tencent-chat-recall-webhook: `schema` must be a JSON Schema object, or a function that returns one.',
          );
        }
      }
    });

    it('should give the default when there is no override', () => {
      expect(resolveSchema('schema', undefined, recallBodySchema)).to.equal(recallBodySchema);
    });

    it('should give a replacement schema as it is', () => {
      const replacement = { type: 'object' };
      expect(resolveSchema('schema', replacement, recallBodySchema)).to.equal(replacement);
    });

    it('should give a function a mutable copy of the default and leave the default unchanged', () => {
      const before = JSON.stringify(recallBodySchema);
      const result = resolveSchema(
        'schema',
        (copy) => {
          expect(copy).to.deep.equal(recallBodySchema);
          expect(copy).not.to.equal(recallBodySchema);
          (copy.required as string[]).push('EventTime');
          copy.additionalProperties = false;
          return copy;
        },
        recallBodySchema,
      );
      expect(result.required).to.include('EventTime');
      expect(JSON.stringify(recallBodySchema)).to.equal(before);
    });

    it('should keep the exported default frozen all the way down', () => {
      expect(Object.isFrozen(recallBodySchema)).to.equal(true);
      expect(Object.isFrozen(recallBodySchema.required)).to.equal(true);
      expect(Object.isFrozen(recallBodySchema.properties.MsgKey)).to.equal(true);
    });
  });

  describe('compileSchema()', () => {
    it('should compile a schema into a validator', () => {
      const validate = compileSchema(new Ajv(), 'schema', { type: 'string' });
      expect(validate('x')).to.equal(true);
      expect(validate(1)).to.equal(false);
    });

    it("should create the same receiver twice when its schema has an $id, on the shared Ajv or the app's", () => {
      const withId = (s: Record<string, unknown>): Record<string, unknown> => ({
        ...s,
        $id: 'https://app.test/recall',
      });
      const first = resolveConfig(receiverOptions({ schema: withId }));
      const second = resolveConfig(receiverOptions({ schema: withId }));
      const ajv = new Ajv();
      resolveConfig(receiverOptions({ ajv, schema: withId }));
      const own = resolveConfig(receiverOptions({ ajv, schema: withId }));
      for (const config of [first, second, own]) {
        const validate = config.commands.get(RECALL_COMMAND)?.validateBody;
        expect(validate?.(sampleRecall())).to.equal(true);
        expect(validate?.({ ...sampleRecall(), MsgKey: 7 })).to.equal(false);
      }
    });

    it('should give an unrelated receiver whose schema has the same $id its own schema on the shared Ajv', () => {
      const id = 'https://app.test/same-id';
      const strict = resolveConfig(receiverOptions({ schema: (s) => ({ ...s, $id: id, required: ['EventTime'] }) }));
      const loose = resolveConfig(receiverOptions({ schema: { $id: id, type: 'object' } }));
      const body = sampleRecall();
      expect(strict.commands.get(RECALL_COMMAND)?.validateBody(body)).to.equal(false);
      expect(loose.commands.get(RECALL_COMMAND)?.validateBody(body)).to.equal(true);
      // On the app's own Ajv, the clash is the app's to settle, and is reported at creation.
      const ajv = new Ajv();
      resolveConfig(receiverOptions({ ajv, schema: { $id: id, type: 'object' } }));
      expect(() => resolveConfig(receiverOptions({ ajv, schema: { $id: id, type: 'array' } }))).to.throw(
        TypeError,
        `\`schema\` is not a schema this Ajv can compile: schema with key or id "${id}" already exists`,
      );
    });

    it('should refuse an async schema at creation, saying why, for the body, any command and the query', () => {
      const asyncOf = (s: Record<string, unknown>): Record<string, unknown> => ({ ...s, $async: true });
      for (const [option, options] of [
        ['schema', { schema: asyncOf }],
        ["schemas['Group.CallbackAfterRecallMsg']", { commands: [GROUP], schemas: { [GROUP]: asyncOf } }],
        ['querySchema', { querySchema: asyncOf }],
      ] as const) {
        expect(() => resolveConfig(receiverOptions(options)), option).to.throw(
          TypeError,
          `tencent-chat-recall-webhook: \`${option}\` is an async schema ($async: true): a callback is checked before ` +
            'anything is awaited, so it must be synchronous. Leave $async out, and do asynchronous checks in a listener.',
        );
      }
    });
  });

  describe('describeFirstError()', () => {
    const validate = new Ajv().compile(recallBodySchema);

    it('should name the field path and what is wrong', () => {
      validate({ CallbackCommand: 'c', From_Account: 'a', To_Account: 'b', MsgKey: '' });
      expect(describeFirstError('body', validate.errors)).to.equal('body.MsgKey must NOT have fewer than 1 characters');
    });

    it('should name the whole value when the error is at its root', () => {
      validate({ CallbackCommand: 'c' });
      expect(describeFirstError('body', validate.errors)).to.equal("body must have required property 'From_Account'");
    });

    it('should still say something without errors', () => {
      expect(describeFirstError('query', null)).to.equal('query does not match the schema');
    });
  });
});
