import { expect } from 'chai';
import { Ajv } from 'ajv';
import { describeFirstError } from '../../lib/core/decide.js';
import { compileSchema, resolveSchema } from '../../lib/options/schemas.js';
import { recallBodySchema } from '../../lib/protocol/schemas.js';

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
