import { buildApp } from './app.js'
import { ConfigError, configFromEnv } from './config.js'
import { StoreLoadError } from './store/store.js'

/** Entry point: read the environment, build the app, listen, and shut down cleanly on SIGINT/SIGTERM. */
async function main (): Promise<void> {
  const config = configFromEnv()
  const app = await buildApp({ config })
  await app.listen({ host: config.httpHost, port: config.httpPort })
  const addr = app.server.address()
  const httpPort = typeof addr === 'object' && addr !== null ? addr.port : config.httpPort
  app.log.info({ httpPort, mqttPort: app.mqtt.port, dataDir: config.dataDir }, `Loa is up: API and docs on http://localhost:${httpPort}/docs, MQTT on port ${app.mqtt.port}`)
  // Encode the chimes now, so the first emergency does not wait for ffmpeg.
  app.chimes.load().catch(err => app.log.error({ err }, 'chimes could not be prepared; broadcasts play without them'))
  if (app.setupCode !== undefined) {
    // Printed once, to the terminal only: whoever reads it creates the first administrator in the panel.
    process.stdout.write(`\nFirst start: open http://localhost:${httpPort}/ and create the administrator with this one-time setup code:\n  ${app.setupCode}\n(or set LOA_ADMIN_USER and LOA_ADMIN_PASSWORD)\n\n`)
  }
  if (app.initialToken !== undefined) {
    // Printed once, to the terminal only, never through the logger: only its hash is kept.
    process.stdout.write(`\nAdmin API token (shown only this once; keep it safe):\n  ${app.initialToken}\n\n`)
  }
  let closing = false
  const shutdown = (signal: string): void => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    app.close().then(() => process.exit(0), err => { app.log.error({ err }, 'shutdown failed'); process.exit(1) })
  }
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch(err => {
  if (err instanceof ConfigError || err instanceof StoreLoadError) {
    process.stderr.write(`Loa cannot start: ${err.message}\n`)
  } else {
    process.stderr.write(`Loa cannot start: ${(err as Error).stack ?? String(err)}\n`)
  }
  process.exit(1)
})
