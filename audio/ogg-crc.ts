/**
 * The CRC32 of an Ogg page (RFC 3533 s6): generator polynomial 0x04c11db7, not reflected, initial value 0,
 * no final XOR, computed over the whole page with its CRC field set to zero. This is not zlib's CRC32
 * (which is reflected and inverted), so node:zlib's crc32 cannot be used.
 */
const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256)
  for (let i = 0; i < 256; i++) {
    let r = i << 24
    for (let bit = 0; bit < 8; bit++) r = (r & 0x80000000) !== 0 ? (r << 1) ^ 0x04c11db7 : r << 1
    table[i] = r >>> 0
  }
  return table
})()

/** CRC of `bytes`, treating the 4 bytes at `zeroAt` (the page's CRC field) as zeros; -1 to include all. */
export function oggCrc32 (bytes: Uint8Array, zeroAt = -1): number {
  let crc = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = i >= zeroAt && i < zeroAt + 4 && zeroAt >= 0 ? 0 : bytes[i] ?? 0
    crc = ((crc << 8) ^ (TABLE[((crc >>> 24) ^ b) & 0xff] ?? 0)) >>> 0
  }
  return crc
}
