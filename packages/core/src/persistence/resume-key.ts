/**
 * The key a resume record is stored under: `${userId}:${hash}:${size}`.
 *
 * - The same content (MD5 `hash`), the same `size` and the same user give the same key, so a
 *   reload, another tab or picking the file again finds the upload that was under way, whatever
 *   the file is called now.
 * - The user is part of the key: on a shared browser a different user never resumes (or even
 *   sees) someone else's upload; theirs starts from the beginning.
 * - The size is there as well as the hash so that a key can never match a different file
 *   even if two files' hashes collided.
 */
export function resumeKey({ userId, hash, size }: { userId: string; hash: string; size: number }): string {
  return `${userId}:${hash}:${size}`;
}

/**
 * The key of an upload started with a fingerprint, before its whole-file hash is known:
 * `${userId}:${fingerprint}:${size}` (a fingerprint carries its `md5-ends-1m:` prefix, so it
 * never equals a hash key). Once the hash is delivered, the record moves to {@link resumeKey}.
 */
export function fingerprintResumeKey({ userId, fingerprint, size }: { userId: string; fingerprint: string; size: number }): string {
  return `${userId}:${fingerprint}:${size}`;
}
