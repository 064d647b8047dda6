import type { AudioFrame } from '../protocol/index.js'
import type { ArrivalStatus, Session, SessionOutput } from './session.js'

export interface PlayoutHooks {
  /** The node's clock in ms (injected clock plus the simulated skew). */
  now: () => number
  /** Receives every output of the session, in order, as soon as it happens. */
  output: (out: SessionOutput) => void
}

/** Longest single wait; Node's timers overflow past 2^31-1 ms and fire at once. */
const MAX_WAIT_MS = 2 ** 31 - 1

/**
 * Drives a pure Session with one timer: after every input it sleeps until the session's next deadline (the
 * next frame's playAt, the END, or the timeout). One timer per session, not one per frame, so a fleet of
 * hundreds of nodes buffering seconds of audio stays cheap.
 */
export class Playout {
  private timer: NodeJS.Timeout | undefined

  constructor (readonly session: Session, private readonly hooks: PlayoutHooks) {}

  /** Arms the timeout for a session that has no frame yet. */
  start (): void {
    this.reschedule()
  }

  receive (frame: AudioFrame): ArrivalStatus {
    const { status, outputs } = this.session.receive(frame, this.hooks.now())
    this.emit(outputs)
    return status
  }

  stop (): void {
    this.emit(this.session.stop())
  }

  /** Forgets the timer without reporting anything: for a node that dies. */
  dispose (): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private emit (outputs: SessionOutput[]): void {
    for (const out of outputs) this.hooks.output(out)
    this.reschedule()
  }

  private reschedule (): void {
    clearTimeout(this.timer)
    this.timer = undefined
    const wake = this.session.nextWakeAt()
    if (wake === undefined) return
    const wait = Math.min(MAX_WAIT_MS, Math.max(0, Math.ceil(wake - this.hooks.now())))
    this.timer = setTimeout(() => this.emit(this.session.advance(this.hooks.now())), wait)
  }
}
