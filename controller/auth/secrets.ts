import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Secrets Loa generates (node passwords, the admin token) are 32 random bytes, so guessing is hopeless and a
 * plain SHA-256 is enough to keep them unreadable at rest. A slow hash (scrypt) would cost ~50 ms of CPU per
 * MQTT connect: 2,000 nodes reconnecting after a power cut would stall the broker for over a minute.
 * Passwords that people choose (panel accounts, a later issue) get scrypt instead.
 */
export function generateSecret (): string {
  return randomBytes(32).toString('base64url')
}

export function hashSecret (secret: string | Uint8Array): string {
  return 'sha256:' + createHash('sha256').update(secret).digest('hex')
}

export function verifySecret (secret: string | Uint8Array | undefined, stored: string | undefined): boolean {
  if (secret === undefined || stored === undefined) return false
  const a = Buffer.from(hashSecret(secret))
  const b = Buffer.from(stored)
  return a.length === b.length && timingSafeEqual(a, b)
}
