/**
 * One byte range of a Range header (RFC 9110 s14), as browsers send it to seek in an <audio>: "bytes=a-b",
 * "bytes=a-" or "bytes=-n". Returns null for no header or one we do not serve (several ranges): the whole
 * file is sent then; 'unsatisfiable' for a range outside the file (answered 416).
 */
export function byteRange (header: string | undefined, size: number): { start: number, end: number } | null | 'unsatisfiable' {
  if (header === undefined) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (m === null || (m[1] === '' && m[2] === '')) return null
  if (m[1] === '') {
    const n = Number(m[2])
    if (n === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return { start, end }
}
