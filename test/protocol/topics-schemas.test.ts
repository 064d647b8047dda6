import { describe, expect, it } from 'vitest'
import {
  MAX_JSON_PAYLOAD, allNodesTopic, nodeTopic, parseCommand, parseNodeEvent, parseNodeState, parseReply, parseTelemetry,
  parseTopic, streamTopic
} from '../../protocol/index.js'

const session = '0f8fad5b-d9cb-469f-a165-70867728950e'

describe('topic map', () => {
  it('builds and parses every topic', () => {
    expect(nodeTopic('n-abc', 'state')).toBe('loa/v1/nodes/n-abc/state')
    expect(streamTopic(session)).toBe(`loa/v1/sessions/${session}/stream`)
    expect(allNodesTopic('telemetry')).toBe('loa/v1/nodes/+/telemetry')
    expect(parseTopic('loa/v1/nodes/n-abc/events')).toEqual({ kind: 'node', nodeId: 'n-abc', channel: 'events' })
    expect(parseTopic(`loa/v1/sessions/${session}/stream`)).toEqual({ kind: 'stream', sessionId: session })
  })

  it('rejects anything that is not exactly a Loa topic', () => {
    for (const t of ['', 'loa', 'loa/v2/nodes/a/state', 'loa/v1/nodes/A/state', 'loa/v1/nodes/a/state/x',
      'loa/v1/nodes/a/hack', 'loa/v1/nodes/+/state', 'loa/v1/sessions/xyz/stream', '$SYS/broker']) {
      expect(parseTopic(t), t).toBeUndefined()
    }
    expect(() => nodeTopic('../x', 'cmd')).toThrow(TypeError)
    expect(() => streamTopic('#')).toThrow(TypeError)
  })
})

describe('payload schemas', () => {
  it('accept the documented examples', () => {
    expect(parseNodeState('{"v":1,"state":"online","protocol":1,"ts":1,"vendor":"acme"}').ok).toBe(true)
    expect(parseNodeState('{"v":1,"state":"offline","protocol":1}').ok).toBe(true)
    expect(parseTelemetry('{"v":1,"ts":5,"volume":80,"playing":null,"bufferMs":0,"uptimeS":12}').ok).toBe(true)
    expect(parseReply('{"v":1,"id":"c1","status":"ok","ts":5}').ok).toBe(true)
    expect(parseNodeEvent(`{"v":1,"ts":5,"type":"gap","session":"${session}","fromSeq":3,"toSeq":4}`).ok).toBe(true)
    expect(parseNodeEvent(`{"v":1,"ts":5,"type":"playback_finished","session":"${session}","reason":"end","expected":50,"received":50,"late":0,"missing":0}`).ok).toBe(true)
    expect(parseCommand(`{"v":1,"id":"c","type":"play","session":"${session}","topic":"t","codec":{"name":"opus","sampleRate":48000,"channels":1},"startAt":1,"priority":100}`).ok).toBe(true)
  })

  it('reject garbage with a reason, and never throw', () => {
    const bad: Array<[string, (p: string) => { ok: boolean }]> = [
      ['not json', parseNodeState],
      ['{"v":2,"state":"online","protocol":1}', parseNodeState],
      ['{"v":1,"state":"maybe","protocol":1}', parseNodeState],
      ['{"v":1,"ts":5,"volume":101,"playing":null,"bufferMs":0,"uptimeS":1}', parseTelemetry],
      ['[]', parseReply],
      ['null', parseNodeEvent],
      [`{"v":1,"ts":5,"type":"explode","session":"${session}"}`, parseNodeEvent],
      ['{"v":1,"id":"c","type":"volume","volume":-1}', parseCommand],
      ['x'.repeat(MAX_JSON_PAYLOAD + 1), parseTelemetry]
    ]
    for (const [payload, parse] of bad) {
      const r = parse(payload)
      expect(r.ok, payload.slice(0, 60)).toBe(false)
    }
    const r = parseTelemetry('{"v":1}')
    expect(r.ok === false && r.error).toMatch(/schema/)
  })

  it('ignores unknown fields, so a later v1 can add optional ones without breaking deployed peers', () => {
    expect(parseNodeState('{"v":1,"state":"online","protocol":1,"batteryV":12.6}').ok).toBe(true)
    expect(parseCommand(`{"v":1,"id":"c","type":"play","session":"${session}","topic":"t","codec":{"name":"opus","sampleRate":48000,"channels":1},"startAt":1,"priority":100,"chime":"default"}`).ok).toBe(true)
    // Known fields stay strict even next to unknown ones.
    expect(parseNodeState('{"v":1,"state":"online","protocol":"one","batteryV":12.6}').ok).toBe(false)
  })

  it('takes bytes as well as strings', () => {
    expect(parseNodeState(Buffer.from('{"v":1,"state":"online","protocol":1}')).ok).toBe(true)
    expect(parseNodeState(Buffer.from([0xff, 0xfe, 0x00])).ok).toBe(false)
  })
})
