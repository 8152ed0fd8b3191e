import {
  groupRecallBodySchema,
  officialAccountRecallBodySchema,
  recallBodySchema,
  recallQuerySchema,
} from '../lib/protocol/schemas.js';

/** The default schemas, by the name of the file in `schemas/` that carries each as JSON. */
export const schemaFiles = {
  'recall-body.json': recallBodySchema,
  'group-recall-body.json': groupRecallBodySchema,
  'official-account-recall-body.json': officialAccountRecallBodySchema,
  'recall-query.json': recallQuerySchema,
} as const;
