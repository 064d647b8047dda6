import { describe, it, expect } from 'vitest'
import { loudnessFromLog, measureFilter, normaliseFilter, type Loudness } from '../../audio/index.js'

const SILENCE = {
  input_i: '-inf', input_tp: '-inf', input_lra: '0.00', input_thresh: '-70.00', target_offset: 'inf'
}

describe('loudnessFromLog', () => {
  it('reads a measurement', () => {
    expect(loudnessFromLog({
      input_i: '-22.25', input_tp: '-18.49', input_lra: '3.10', input_thresh: '-32.25', target_offset: '-0.04'
    })).toEqual({ inputI: -22.25, inputTp: -18.49, inputLra: 3.1, inputThresh: -32.25, targetOffset: -0.04, measurable: true })
  })

  it('turns silence ("-inf") into finite numbers and marks it unmeasurable', () => {
    const l = loudnessFromLog(SILENCE)
    expect(l).toEqual({ inputI: -70, inputTp: -70, inputLra: 0, inputThresh: -70, targetOffset: 0, measurable: false })
    expect(JSON.parse(JSON.stringify(l))).toEqual(l)
  })

  it('keeps a finite true peak for sound too short to gate', () => {
    expect(loudnessFromLog({ ...SILENCE, input_tp: '-18.06' })).toMatchObject({ inputTp: -18.06, measurable: false })
  })

  it('refuses an incomplete block', () => {
    expect(loudnessFromLog({ input_i: '-20' })).toBeNull()
    expect(loudnessFromLog({ ...SILENCE, input_lra: 'n/a' })).toBeNull()
  })
})

describe('loudnorm filters', () => {
  const base: Loudness = { inputI: -30.5, inputTp: -20.25, inputLra: 4, inputThresh: -40.5, targetOffset: 0.3, measurable: true }

  it('measures against the target', () => {
    expect(measureFilter(-16)).toBe('loudnorm=I=-16:TP=-1.5:LRA=11:print_format=json')
  })

  it('applies the measurement in linear mode', () => {
    expect(normaliseFilter(-16, base)).toBe('loudnorm=I=-16:TP=-1.5:LRA=11:measured_I=-30.50:measured_TP=-20.25' +
      ':measured_LRA=4.00:measured_thresh=-40.50:offset=0.30:linear=true')
  })

  // loudnorm reads these exact values as "not measured" and silently switches to dynamic mode.
  it('nudges the values loudnorm mistakes for "not given"', () => {
    const f = normaliseFilter(-16, { ...base, inputLra: 0.001, inputThresh: -70, inputI: 0.2 }) ?? ''
    expect(f).toContain('measured_LRA=0.01')
    expect(f).toContain('measured_thresh=-69.99')
    expect(f).toContain('measured_I=-0.01')
  })

  it('applies no gain to unmeasurable audio', () => {
    expect(normaliseFilter(-16, { ...base, measurable: false })).toBeNull()
  })
})
