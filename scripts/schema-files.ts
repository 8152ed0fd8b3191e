import { recallBodySchema, recallQuerySchema } from '../lib/protocol/schemas.js';

/** The default schemas, by the name of the file in `schemas/` that carries each as JSON. */
export const schemaFiles = {
  'recall-body.json': recallBodySchema,
  'recall-query.json': recallQuerySchema,
} as const;
