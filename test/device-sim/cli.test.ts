import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseCliArgs, runCli, type FleetReport } from '../../device-sim/index.js'
import { startController, waitFor, type TestController } from '../helpers/controller.js'

function io (signal = new AbortController().signal): { out: string[], err: string[], io: Parameters<typeof runCli>[2] } {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: t => out.push(t), err: t => err.push(t), signal } }
}

describe('CLI arguments', () => {
  it('parses a full command line, with the token from the environment', () => {
    expect(parseCliArgs(['--controller', 'http://h:8080', '--nodes', '50', '--zones', 'a, b', '--duration', '2.5', '--wav-dir', 'w'], { LOA_TOKEN: 't' }))
      .toMatchObject({ controller: 'http://h:8080', token: 't', nodes: 50, zones: ['a', 'b'], durationS: 2.5, wavDir: 'w', prefix: 'sim', concurrency: 20, mqtt: undefined })
    expect(parseCliArgs(['--help'], {})).toBe('help')
  })

  it.each([
    [['--nodes', '3', '--zones', 'a', '--token', 't'], /--controller is required/],
    [['--controller', 'ftp://x', '--nodes', '3', '--zones', 'a', '--token', 't'], /--controller is not a valid URL/],
    [['--controller', 'http://x', '--nodes', '3', '--zones', 'a'], /--token is required/],
    [['--controller', 'http://x', '--nodes', '0', '--zones', 'a', '--token', 't'], /--nodes must be an integer/],
    [['--controller', 'http://x', '--nodes', '3', '--zones', ' , ', '--token', 't'], /--zones is required/],
    [['--controller', 'http://x', '--nodes', '3', '--zones', 'a', '--token', 't', '--duration=-1'], /--duration must be/],
    [['--controller', 'http://x', '--nodes', '3', '--zones', 'a', '--token', 't', '--mqtt', 'http://x'], /--mqtt is not a valid URL/],
    [['--controller', 'http://x', '--nodes', '3', '--zones', 'a', '--token', 't', '--prefix', 'Bad Prefix'], /--prefix/],
    [['--frobnicate'], /Unknown option/]
  ])('exits 2 with a clear message for %j', async (argv, message) => {
    const r = io()
    expect(await runCli(argv, {}, r.io)).toBe(2)
    expect(r.err.join('\n')).toMatch(message)
    expect(r.err.join('\n')).toMatch(/Usage:/)
  })
})

/** The CLI against the real controller on a real HTTP port, as a tester runs `npm run sim`. */
describe('CLI run', () => {
  let dir: string
  let c: TestController
  let url: string

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-sim-cli-'))
    c = await startController()
    url = await c.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterEach(async () => {
    await c.close()
    await rm(dir, { recursive: true, force: true })
  })

  async function onlineAtController (): Promise<number> {
    const r = await c.api('GET', '/api/v1/nodes')
    return r.json<{ items: Array<{ online: boolean }> }>().items.filter(n => n.online).length
  }

  it('runs the nodes for --duration, prints the tables and writes the JSON report atomically', async () => {
    const reportPath = join(dir, 'report.json')
    const r = io()
    const code = await runCli(['--controller', url, '--nodes', '3', '--zones', 'a,b', '--duration', '0.5', '--interval', '0.2', '--report', reportPath], { LOA_TOKEN: c.token }, r.io)
    expect(r.err).toEqual([])
    expect(code).toBe(0)
    const out = r.out.join('\n')
    expect(out).toMatch(/nodes online 3\/3/)
    expect(out).toMatch(/sim-b-001/)
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as FleetReport
    expect(report.nodes.map(n => n.name)).toEqual(['sim-a-001', 'sim-b-001', 'sim-a-002'])
    expect(report.nodesOnline).toBe(0)
    expect(report.mqttUrl).toBe(c.mqttUrl)
    expect(await readdir(dir)).toEqual(['report.json'])
    // The nodes said goodbye on the way out; the controller agrees they are gone.
    await waitFor(async () => await onlineAtController() === 0 ? true : undefined, 5000, 'the nodes to go offline')
  })

  it('stops when its signal aborts', async () => {
    const stop = new AbortController()
    const r = io(stop.signal)
    const running = runCli(['--controller', url, '--token', c.token, '--nodes', '1', '--zones', 'a'], {}, r.io)
    await waitFor(async () => await onlineAtController() === 1 ? true : undefined, 5000, 'the node online at the controller')
    stop.abort()
    expect(await running).toBe(0)
    expect(r.out.join('\n')).toMatch(/sim-a-001/)
  })

  it('exits 1 with the controller error when the token is refused', async () => {
    const r = io()
    expect(await runCli(['--controller', url, '--token', 'nope', '--nodes', '1', '--zones', 'a'], {}, r.io)).toBe(1)
    expect(r.err.join('\n')).toMatch(/AUTH_INVALID/)
  })

  it('exits 1 naming the cause when nothing listens at --controller', async () => {
    // A port that was just free: bound by the OS, then released, so a connection to it is refused.
    const probe = createServer()
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>(resolve => probe.close(() => resolve()))
    const r = io()
    expect(await runCli(['--controller', `http://127.0.0.1:${port}`, '--token', c.token, '--nodes', '1', '--zones', 'a'], {}, r.io)).toBe(1)
    expect(r.err.join('\n')).toMatch(/HTTP_UNREACHABLE/)
    expect(r.err.join('\n')).toMatch(/ECONNREFUSED/)
  })
})
