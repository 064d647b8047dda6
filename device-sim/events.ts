import type { ArrivalStatus, SessionReport } from './session.js'

export interface SessionStartInfo {
  session: string
  topic: string
  priority: number
  /** Controller ms from the play command. */
  startAt: number
}

export interface FrameInfo {
  session: string
  seq: number
  playAtUs: number
  end: boolean
  /** What the node did with it: buffered for playout, counted late, a duplicate, or ignored (session over). */
  status: ArrivalStatus
}

/** What a SimNode tells its owner (tests, the fleet); typed for node:events' generic EventEmitter. */
export interface SimNodeEvents {
  /** A play command was accepted and the node joined the stream. */
  'session-start': [info: SessionStartInfo]
  /** The session finished and, with decode on, its audio is complete. */
  'session-end': [report: SessionReport]
  /** A valid frame for a session of this node arrived. */
  'frame': [info: FrameInfo]
}
