import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Passwords for web-panel accounts. Unlike node secrets (controller/auth/secrets.ts: 32 random bytes, so a
 * plain SHA-256 is enough), people choose these, so they get a slow, memory-hard hash: scrypt from
 * node:crypto, no native addon to build on the commune's box.
 *
 * Stored format: "scrypt$<log2 N>$<r>$<p>$<salt b64url>$<key b64url>". The parameters travel with the hash so
 * they can be raised later; needsRehash() tells the login route to upgrade an old hash after a success.
 *
 * Cost measured on the dev box (2 cores, Node 20.20, median of 5): hashPassword 87 ms, verifyPassword 83 ms.
 * That is per login, not per request: the session cookie carries the user after that. scrypt runs on the
 * libuv thread pool (4 threads by default, shared with fs), not on the event loop.
 */

export const PASSWORD_MIN_LENGTH = 10
export const PASSWORD_MAX_LENGTH = 256

// Today's parameters (RFC 7914 §2; N=2^15, r=8 is the OWASP Password Storage Cheat Sheet minimum for scrypt).
const LOG_N = 15
const R = 8
const P = 1
const SALT_BYTES = 16
const KEY_BYTES = 32

// What a stored hash may ask for. A tampered accounts file must not make one login pin a core or allocate
// much memory: the ceiling (2^17, r=8, p=2) is 128 MiB and about 0.7 s here, room to raise today's cost 4x.
const LOG_N_MIN = 14
const LOG_N_MAX = 17
const R_MAX = 8
const P_MAX = 2
const SALT_BYTES_MIN = 16
const SALT_BYTES_MAX = 64
const KEY_BYTES_MIN = 16
const KEY_BYTES_MAX = 64

/**
 * A longer guess is refused before hashing. 256 code points in NFC can grow when typed decomposed (a
 * Vietnamese vowel with circumflex and tone is 3 code points in NFD), so the cut is generous; it only keeps
 * normalising a huge string off the login path.
 */
const VERIFY_MAX_UTF16 = PASSWORD_MAX_LENGTH * 8

interface Params { logN: number, r: number, p: number, salt: Buffer, key: Buffer }

export interface PasswordProblem { en: string, vi: string }

/**
 * Among the most used passwords in public breach lists, plus Vietnamese ones and this product's own name.
 * Entries shorter than PASSWORD_MIN_LENGTH are already refused by length; they stay so the list reads as what
 * it is. Compared lower-cased, after NFC.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  'password', 'password1', 'password12', 'password123', 'password1234',
  '12345678', '123456789', '1234567890', '0123456789', '0987654321', '9876543210', '11111111', '1111111111',
  '123123123', '1234512345', '123456789a', 'a123456789', 'abc123456', 'abc1234567', 'abcd123456',
  'qwertyuiop', 'qwerty1234', 'qwerty12345', '1q2w3e4r5t', '1qaz2wsx3edc', 'zxcvbnm123', 'iloveyou12',
  'admin12345', 'admin123456', 'administrator', 'changeme123',
  'matkhau', 'matkhau123', 'matkhau1234', 'matkhau12345', 'anhyeuem', 'anhyeuem123', 'emyeuanh123',
  'vietnam123', 'vietnam1234', 'hanoi12345', 'saigon1234', 'khongbiet123', 'xinchao123',
  'loa123456', 'loa1234567', 'loaphuong123', 'truyenthanh', 'truyenthanh123'
])

function codePoints (s: string): string[] {
  return [...s]
}

/** null when acceptable, else a reason a clerk understands, in English and in Vietnamese. */
export function checkPasswordRules (password: string, username: string): PasswordProblem | null {
  const pw = password.normalize('NFC')
  const chars = codePoints(pw)
  if (chars.length < PASSWORD_MIN_LENGTH) {
    return {
      en: `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`,
      vi: `Mật khẩu phải có ít nhất ${PASSWORD_MIN_LENGTH} ký tự.`
    }
  }
  if (chars.length > PASSWORD_MAX_LENGTH) {
    return {
      en: `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`,
      vi: `Mật khẩu không được dài quá ${PASSWORD_MAX_LENGTH} ký tự.`
    }
  }
  if (new Set(chars).size === 1) {
    return {
      en: 'The password cannot be one character repeated.',
      vi: 'Mật khẩu không được chỉ gồm một ký tự lặp lại.'
    }
  }
  const lower = pw.toLowerCase()
  if (lower === username.normalize('NFC').trim().toLowerCase()) {
    return {
      en: 'The password cannot be the same as the user name.',
      vi: 'Mật khẩu không được trùng với tên đăng nhập.'
    }
  }
  if (COMMON_PASSWORDS.has(lower)) {
    return {
      en: 'This password is too common and easy to guess. Please choose another.',
      vi: 'Mật khẩu này quá phổ biến, dễ bị đoán. Vui lòng chọn mật khẩu khác.'
    }
  }
  return null
}

function scryptAsync (password: string, salt: Buffer, keylen: number, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN
  // Node refuses when 128·N·r exceeds maxmem (default 32 MiB, too small for N=2^15, r=8); twice that leaves room.
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * 2 }
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (err, key) => { if (err) reject(err); else resolve(key) })
  })
}

function format (params: Params): string {
  return ['scrypt', params.logN, params.r, params.p, params.salt.toString('base64url'), params.key.toString('base64url')].join('$')
}

const B64URL = /^[A-Za-z0-9_-]+$/
const SMALL_INT = /^[1-9][0-9]{0,1}$/

function decodeB64url (s: string | undefined, min: number, max: number): Buffer | undefined {
  if (s === undefined || !B64URL.test(s)) return undefined
  const buf = Buffer.from(s, 'base64url')
  // Buffer.from skips what it cannot decode; a round trip catches bad lengths and stray bits.
  if (buf.toString('base64url') !== s || buf.length < min || buf.length > max) return undefined
  return buf
}

function parseInt1 (s: string | undefined, min: number, max: number): number | undefined {
  if (s === undefined || !SMALL_INT.test(s)) return undefined
  const n = Number(s)
  return n >= min && n <= max ? n : undefined
}

/** The parameters of a stored hash, or undefined when it is malformed or asks for more than we allow. */
function parse (stored: unknown): Params | undefined {
  if (typeof stored !== 'string' || stored.length > 512) return undefined
  const fields = stored.split('$')
  if (fields.length !== 6 || fields[0] !== 'scrypt') return undefined
  const logN = parseInt1(fields[1], LOG_N_MIN, LOG_N_MAX)
  const r = parseInt1(fields[2], 1, R_MAX)
  const p = parseInt1(fields[3], 1, P_MAX)
  const salt = decodeB64url(fields[4], SALT_BYTES_MIN, SALT_BYTES_MAX)
  const key = decodeB64url(fields[5], KEY_BYTES_MIN, KEY_BYTES_MAX)
  if (logN === undefined || r === undefined || p === undefined || salt === undefined || key === undefined) return undefined
  return { logN, r, p, salt, key }
}

/** scrypt with today's parameters and a fresh salt. The password is NFC-normalised first. */
export async function hashPassword (password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await scryptAsync(password.normalize('NFC'), salt, KEY_BYTES, LOG_N, R, P)
  return format({ logN: LOG_N, r: R, p: P, salt, key })
}

/**
 * Constant-time comparison against a stored hash. False, never a throw, for a malformed stored value or one
 * whose parameters are out of bounds: the login route treats that like a wrong password.
 */
export async function verifyPassword (password: string, stored: string): Promise<boolean> {
  if (typeof password !== 'string' || password.length > VERIFY_MAX_UTF16) return false
  const params = parse(stored)
  if (params === undefined) return false
  try {
    const key = await scryptAsync(password.normalize('NFC'), params.salt, params.key.length, params.logN, params.r, params.p)
    return timingSafeEqual(key, params.key)
  } catch {
    return false
  }
}

/** True when the stored hash is weaker than what hashPassword makes today (or unreadable): rehash after login. */
export function needsRehash (stored: string): boolean {
  const params = parse(stored)
  if (params === undefined) return true
  return params.logN < LOG_N || params.r < R || params.p < P || params.salt.length < SALT_BYTES || params.key.length < KEY_BYTES
}

/**
 * A well-formed hash with today's parameters that no password matches: random salt and random key, so it
 * costs nothing to make and cannot be a hash of anything (a match is a 2^-256 chance). Verifying against it
 * costs one scrypt, like a real account.
 */
export const DUMMY_HASH: string = format({ logN: LOG_N, r: R, p: P, salt: randomBytes(SALT_BYTES), key: randomBytes(KEY_BYTES) })

/**
 * For a login with an unknown user name: spend the same scrypt as a real check, then say no, so response time
 * does not tell which user names exist.
 */
export async function verifyAgainstDummy (password: string): Promise<false> {
  await verifyPassword(password, DUMMY_HASH)
  return false
}
