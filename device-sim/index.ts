/** Public surface of device-sim for tests and tools; cli.ts is the command-line front end. */
export { SimNode, SIM_IDENTITY, type UpChannel } from './node.js'
export type { SimNodeOptions } from './options.js'
export { SimNodeStartError, type StartErrorCode } from './connect.js'
export type { SimNodeEvents, FrameInfo, SessionStartInfo } from './events.js'
export { Session, DEFAULT_TIMEOUT_FLOOR_MS } from './session.js'
export type { SessionReport, SessionInit, SessionOutput, FinishReason, ArrivalStatus } from './session.js'
export { Playout } from './playout.js'
export type { CommandErrorCode } from './commands.js'
export { createFrameDecoder, type FrameDecoder, type DecodedFrame } from './decoder.js'
export { PcmTimeline } from './timeline.js'
export { encodeWav, writeWavFile } from './wav.js'
export { writeFileAtomic } from './atomic.js'
export { defaultLog, silentLog, childLog, type LogFn, type LogLevel } from './log.js'
export { SimFleet, defaultMqttUrl, type FleetOptions, type FleetMember } from './fleet.js'
export { ControllerApi, ApiError, type ControllerInfo, type ZoneItem, type NodeItem } from './api.js'
export { planNodes, slug, type PlannedNode } from './names.js'
export { mapLimit } from './pool.js'
export {
  buildReport, summarizeSessions, formatSummary, formatNodeTable, table,
  type FleetReport, type NodeSnapshot, type SessionSummary
} from './report.js'
export { parseCliArgs, USAGE, UsageError, type CliOptions } from './args.js'
export { runCli, type CliIo } from './run.js'
