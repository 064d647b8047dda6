/**
 * The last lines a child process wrote to stderr, to explain its exit. Fed raw chunks: a line may arrive in
 * pieces, and ffmpeg ends progress lines with \r. Memory is bounded by the line count and MAX_LINE_CHARS,
 * however long the process runs or whatever it writes.
 */
const MAX_LINE_CHARS = 1000

export class StderrTail {
  readonly #lines: string[] = []
  readonly #decoder = new TextDecoder()
  #partial = ''

  constructor (readonly maxLines: number) {}

  push (chunk: Uint8Array): void {
    // stream: true keeps a character split between chunks whole.
    const text = this.#partial + this.#decoder.decode(chunk, { stream: true })
    const parts = text.split(/\r\n|\r|\n/)
    this.#partial = (parts.pop() ?? '').slice(-MAX_LINE_CHARS)
    for (const line of parts) this.#add(line)
  }

  /** The kept lines, oldest first, with any unfinished last line. */
  text (): string {
    const lines = this.#partial.trim() === '' ? this.#lines : [...this.#lines, this.#partial].slice(-this.maxLines)
    return lines.join('\n')
  }

  #add (line: string): void {
    if (line.trim() === '') return
    this.#lines.push(line.slice(0, MAX_LINE_CHARS))
    if (this.#lines.length > this.maxLines) this.#lines.shift()
  }
}
