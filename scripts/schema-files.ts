import { recallBodySchema } from '../lib/schema/body.js';
import { recallQuerySchema } from '../lib/schema/query.js';

/** The default schemas, by the name of the file in `schemas/` that carries each as JSON. */
export const schemaFiles = {
  'recall-body.json': recallBodySchema,
  'recall-query.json': recallQuerySchema,
} as const;
