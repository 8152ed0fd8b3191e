/** The figures the load and fault tests assert; the README's Reliability section states each. */
export const LOAD = {
  requests: 20_000,
  concurrency: 100,
  /** Recalls of the three commands in one run, a third each. */
  mixedRequests: 6_000,
  heapGrowthMiB: 8,
  rejectedBurst: 5_000,
  slowdownAtMost: 2,
  listenerTimeoutMs: 100,
  propertyCasesFetch: 3_000,
  propertyCasesExpress: 500,
  /** Distinct recalls, each delivered to both of two instances sharing Redis. */
  dedupeRecalls: 2_000,
  dedupeConcurrency: 50,
  /** Random sequences of deliveries checked against the dedupe model. */
  dedupeModelRuns: 1_000,
  /** Heap a full memoryStore (10,000 claims) may take, with MsgKeys of 128 characters or of 16 kB. */
  fullStoreMiB: 16,
  /** What one claim may take in Redis (MEMORY USAGE), whatever the MsgKey's length. */
  redisClaimBytes: 400,
} as const;
