// @ts-check
// How upload-handler's TUS plan becomes tus-js-client options, the way @v2-uploader/core's TUS
// transport sends it: the plan's signed endpoint and chunk size, `x-signature` on every request,
// the bucket and object name in Upload-Metadata (with the core's cacheControl), no fingerprint
// store. Shared by `npm run verify` and the stack's tests, which both upload as an app would.

/**
 * @param {{ tusEndpoint: string, chunkSize: number, token: string, bucket: string, path: string }} plan
 * @param {string} [contentType]
 */
export function planTusOptions(plan, contentType = 'application/pdf') {
  return {
    endpoint: plan.tusEndpoint,
    chunkSize: plan.chunkSize,
    headers: { 'x-signature': plan.token },
    metadata: { bucketName: plan.bucket, objectName: plan.path, contentType, cacheControl: '3600' },
    storeFingerprintForResuming: false,
  };
}
