import { scrypt } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  DUMMY_HASH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, checkPasswordRules, hashPassword, needsRehash,
  verifyAgainstDummy, verifyPassword
} from '../../controller/accounts/password.js'

const FORMAT = /^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/

/** A stored hash with chosen parameters, made here with node:crypto directly. */
async function storedWith (password: string, logN: number, r: number, p: number): Promise<string> {
  const salt = Buffer.alloc(16, 7)
  const N = 2 ** logN
  const key = await new Promise<Buffer>((resolve, reject) => {
    scrypt(password, salt, 32, { N, r, p, maxmem: 256 * N * r }, (err, k) => { if (err) reject(err); else resolve(k) })
  })
  return ['scrypt', logN, r, p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

describe('hashPassword / verifyPassword', () => {
  it('writes scrypt$15$8$1$salt$key, with a fresh salt every time', async () => {
    const a = await hashPassword('đồng lúa chín vàng')
    const b = await hashPassword('đồng lúa chín vàng')
    expect(a).toMatch(FORMAT)
    expect(b).toMatch(FORMAT)
    expect(a).not.toBe(b)
    expect(a.split('$')[4]).not.toBe(b.split('$')[4])
  })

  it('accepts the right password and refuses others', async () => {
    const stored = await hashPassword('Loa-xã-Hòa-Bình-2024')
    expect(await verifyPassword('Loa-xã-Hòa-Bình-2024', stored)).toBe(true)
    expect(await verifyPassword('loa-xã-hòa-bình-2024', stored)).toBe(false)
    expect(await verifyPassword('Loa-xã-Hòa-Bình-2024 ', stored)).toBe(false)
    expect(await verifyPassword('', stored)).toBe(false)
  })

  it('matches a password typed with decomposed Vietnamese tone marks (NFD) against the NFC one', async () => {
    const nfc = 'Mật khẩu của tôi'.normalize('NFC')
    const nfd = nfc.normalize('NFD')
    expect(nfd).not.toBe(nfc)
    const stored = await hashPassword(nfc)
    expect(await verifyPassword(nfd, stored)).toBe(true)
    expect(await verifyPassword(nfc, await hashPassword(nfd))).toBe(true)
  })

  it('keeps neither the password nor a reversible encoding of it in the hash', async () => {
    const password = 'bí mật tuyệt đối 9'
    const stored = await hashPassword(password)
    const utf8 = Buffer.from(password.normalize('NFC'))
    for (const form of [password, utf8.toString('base64'), utf8.toString('base64url'), utf8.toString('hex'), encodeURIComponent(password)]) {
      expect(stored).not.toContain(form)
      expect(stored.toLowerCase()).not.toContain(form.toLowerCase())
    }
  })

  it('reads parameters from the stored string, so older hashes still verify', async () => {
    const stored = await storedWith('mùa nước nổi', 14, 8, 1)
    expect(await verifyPassword('mùa nước nổi', stored)).toBe(true)
    expect(await verifyPassword('mùa nước lũ', stored)).toBe(false)
  })

  it('returns false quickly, never throwing, for malformed or tampered stored values', async () => {
    const good = await hashPassword('correct horse battery')
    const [, , , , salt, key] = good.split('$')
    const tampered = [
      `scrypt$30$8$1$${salt}$${key}`, // N = 2^30: would take 64 GiB
      `scrypt$21$8$1$${salt}$${key}`,
      `scrypt$13$8$1$${salt}$${key}`,
      `scrypt$15$17$1$${salt}$${key}`,
      `scrypt$15$8$5$${salt}$${key}`,
      `scrypt$15$0$1$${salt}$${key}`,
      `scrypt$015$8$1$${salt}$${key}`,
      `scrypt$15.0$8$1$${salt}$${key}`,
      `scrypt$-15$8$1$${salt}$${key}`,
      `scrypt$15$8$1$${salt}`,
      `scrypt$15$8$1$${salt}$${key}$extra`,
      `bcrypt$15$8$1$${salt}$${key}`,
      `scrypt$15$8$1$${salt}$${key}=`,
      `scrypt$15$8$1$${salt}$${key}+`,
      `scrypt$15$8$1$!!!notbase64!!!$${key}`,
      // 41 characters can never be canonical base64url (43 is 32 bytes, 40 is 30): always malformed.
      `scrypt$15$8$1$${salt}$${(key ?? '').slice(0, -2)}`,
      `scrypt$15$8$1$AAAA$${key}`, // 3-byte salt
      `scrypt$15$8$1$$${key}`,
      'sha256:' + 'ab'.repeat(32),
      '',
      '$$$$$',
      'scrypt$' + 'x'.repeat(10_000)
    ]
    for (const stored of tampered) {
      await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(false)
      expect(needsRehash(stored)).toBe(true)
    }
    for (const junk of [undefined, null, 42, {}]) {
      await expect(verifyPassword('x', junk as unknown as string)).resolves.toBe(false)
    }
    await expect(verifyPassword(undefined as unknown as string, good)).resolves.toBe(false)
  })

  it('refuses an absurdly long guess without hashing it', async () => {
    const stored = await hashPassword('a'.repeat(PASSWORD_MAX_LENGTH))
    expect(await verifyPassword('a'.repeat(PASSWORD_MAX_LENGTH), stored)).toBe(true)
    expect(await verifyPassword('a'.repeat(1_000_000), stored)).toBe(false)
  })
})

describe('needsRehash', () => {
  it('is false for a fresh hash and true for weaker parameters', async () => {
    expect(needsRehash(await hashPassword('một hai ba bốn năm'))).toBe(false)
    expect(needsRehash(await storedWith('x', 14, 8, 1))).toBe(true)
    expect(needsRehash(await storedWith('x', 15, 4, 1))).toBe(true)
    expect(needsRehash(await storedWith('x', 16, 8, 1))).toBe(false)
  })
})

describe('unknown users', () => {
  it('DUMMY_HASH is well formed, current, and matches nothing', async () => {
    expect(DUMMY_HASH).toMatch(FORMAT)
    expect(needsRehash(DUMMY_HASH)).toBe(false)
    expect(await verifyPassword('', DUMMY_HASH)).toBe(false)
    expect(await verifyAgainstDummy('password')).toBe(false)
  })
})

describe('checkPasswordRules', () => {
  it('accepts a reasonable password', () => {
    expect(checkPasswordRules('Loa phường 7 tốt lắm', 'canbo')).toBeNull()
    expect(checkPasswordRules('x'.repeat(9) + 'y', 'canbo')).toBeNull()
    expect(checkPasswordRules('ab'.repeat(PASSWORD_MAX_LENGTH / 2), 'canbo')).toBeNull()
  })

  it('counts code points after NFC, not UTF-16 units or decomposed marks', () => {
    // 9 letters in NFC; NFD makes it 17 code points, which must not sneak past the minimum.
    const nine = 'mậtkhẩuơi'.normalize('NFC')
    expect([...nine]).toHaveLength(9)
    expect(checkPasswordRules(nine.normalize('NFD'), 'canbo')?.en).toMatch(/at least 10/)
    expect(checkPasswordRules(nine + 'x', 'canbo')).toBeNull()
    // Astral characters are one code point each (two UTF-16 units).
    expect(checkPasswordRules('🔊📢🔔🎵🎶🔈🔉🎤🎧📻', 'canbo')).toBeNull()
    expect(checkPasswordRules('🔊📢🔔🎵🎶', 'canbo')?.en).toMatch(/at least 10/)
    const max = 'ả'.normalize('NFD').repeat(PASSWORD_MAX_LENGTH - 1) + 'b'
    expect(checkPasswordRules(max, 'canbo')).toBeNull()
  })

  it('explains each rule in English and in Vietnamese', () => {
    const cases: Array<[string, string, RegExp, RegExp]> = [
      ['short1', 'canbo', new RegExp(`at least ${PASSWORD_MIN_LENGTH}`), /ít nhất 10 ký tự/],
      ['ab'.repeat(129), 'canbo', new RegExp(`at most ${PASSWORD_MAX_LENGTH}`), /quá 256 ký tự/],
      ['zzzzzzzzzzzz', 'canbo', /one character repeated/, /một ký tự lặp lại/],
      ['ễ'.normalize('NFD').repeat(12), 'canbo', /one character repeated/, /lặp lại/],
      ['NguyenVanAn', 'nguyenvanan', /same as the user name/, /trùng với tên đăng nhập/],
      ['Trần Thị Bích', 'trần thị bích'.normalize('NFD'), /same as the user name/, /tên đăng nhập/],
      ['MatKhau123', 'canbo', /too common/, /quá phổ biến/],
      ['1234567890', 'canbo', /too common/, /phổ biến/],
      ['QWERTYUIOP', 'canbo', /too common/, /phổ biến/],
      ['admin12345', 'canbo', /too common/, /phổ biến/],
      ['anhyeuem123', 'canbo', /too common/, /phổ biến/]
    ]
    for (const [password, username, en, vi] of cases) {
      const problem = checkPasswordRules(password, username)
      expect(problem, password).not.toBeNull()
      expect(problem?.en).toMatch(en)
      expect(problem?.vi).toMatch(vi)
    }
  })
})
