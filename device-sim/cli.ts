import { runCli } from './run.js'

/**
 * `npm run sim -- ...`: the device simulator for testers. The first SIGINT/SIGTERM stops the nodes
 * gracefully and prints the report; a second one exits at once, for a run stuck on an unreachable broker.
 */
const stop = new AbortController()
let signals = 0
function onSignal (signal: NodeJS.Signals): void {
  signals++
  if (signals > 1) process.exit(130)
  process.stderr.write(`\n${signal}: stopping nodes (again to force)\n`)
  stop.abort()
}
process.on('SIGINT', onSignal)
process.on('SIGTERM', onSignal)

process.exitCode = await runCli(process.argv.slice(2), process.env, {
  out: text => process.stdout.write(text + '\n'),
  err: text => process.stderr.write(text + '\n'),
  signal: stop.signal
})
// Listeners and sockets are closed by now; remove the handlers so the process can exit on its own.
process.off('SIGINT', onSignal)
process.off('SIGTERM', onSignal)
