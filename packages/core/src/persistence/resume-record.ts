import type { ResumeRecord, UploadPlan } from '../interfaces.js';

/**
 * A copy of `record` with exactly the fields of a `ResumeRecord` and its plan. Records hold
 * small data only (the plan, URLs, ids): whatever else a caller attached (a File, a Blob, a
 * buffer) is left behind, since browsers give IndexedDB too little room for file bytes and a
 * resume needs only the file the user picks again.
 */
export function toStoredRecord(record: ResumeRecord): ResumeRecord {
  const plan: UploadPlan = {
    strategy: record.plan.strategy,
    bucket: record.plan.bucket,
    path: record.plan.path,
    signedUrl: record.plan.signedUrl,
    token: record.plan.token,
    tusEndpoint: record.plan.tusEndpoint,
    chunkSize: record.plan.chunkSize,
    expiresAt: record.plan.expiresAt,
  };
  return {
    key: record.key,
    documentId: record.documentId,
    uploadUrl: record.uploadUrl,
    plan,
    size: record.size,
    hash: record.hash,
    ...(record.fingerprint === undefined ? {} : { fingerprint: record.fingerprint }),
    updatedAt: record.updatedAt,
  };
}

/**
 * Whether a value read back from storage still looks like a record (an older version of the
 * library, or another script, may have written something else); anything else is ignored.
 */
export function isResumeRecord(value: unknown): value is ResumeRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Record<string, unknown>;
  const plan = r['plan'] as Record<string, unknown> | null | undefined;
  return (
    typeof r['key'] === 'string' &&
    typeof r['documentId'] === 'string' &&
    (r['uploadUrl'] === undefined || typeof r['uploadUrl'] === 'string') &&
    typeof r['size'] === 'number' &&
    (r['hash'] === undefined || typeof r['hash'] === 'string') &&
    (r['fingerprint'] === undefined || typeof r['fingerprint'] === 'string') &&
    (typeof r['hash'] === 'string' || typeof r['fingerprint'] === 'string') &&
    typeof r['updatedAt'] === 'number' &&
    typeof plan === 'object' &&
    plan !== null &&
    (plan['strategy'] === 'put' || plan['strategy'] === 'tus') &&
    typeof plan['bucket'] === 'string' &&
    typeof plan['path'] === 'string'
  );
}
