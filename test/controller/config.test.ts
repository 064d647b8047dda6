import { describe, expect, it } from 'vitest'
import path from 'node:path'
import { ConfigError, DEFAULT_CONFIG, configFromEnv, makeConfig } from '../../controller/config.js'

describe('configuration', () => {
  it('has the documented defaults: API 8080, MQTT 1883, data in ./data', () => {
    const c = configFromEnv({})
    expect(c).toMatchObject({ httpPort: 8080, mqttPort: 1883, maxUploadBytes: 200 * 1024 * 1024, maxDurationS: 3600, bitrateKbps: 32, loudnessLufs: -16, frameMs: 200, leadMs: 1500 })
    expect(c.dataDir).toBe(path.resolve('./data'))
    expect(Object.isFrozen(c)).toBe(true)
    expect(DEFAULT_CONFIG.adminToken).toBeUndefined()
  })

  it('reads the environment, port 0 included', () => {
    const c = configFromEnv({ LOA_HTTP_PORT: '0', LOA_MQTT_PORT: '0', LOA_DATA_DIR: '/tmp/x', LOA_MAX_UPLOAD_MB: '5', LOA_MAX_DURATION_MIN: '2', LOA_FRAME_MS: '100' })
    expect(c).toMatchObject({ httpPort: 0, mqttPort: 0, dataDir: '/tmp/x', maxUploadBytes: 5 * 1024 * 1024, maxDurationS: 120, frameMs: 100 })
  })

  it('names the variable that is wrong', () => {
    expect(() => configFromEnv({ LOA_HTTP_PORT: 'eighty' })).toThrow(/LOA_HTTP_PORT must be a number/)
    expect(() => configFromEnv({ LOA_MQTT_PORT: '70000' })).toThrow(/LOA_MQTT_PORT/)
    expect(() => configFromEnv({ LOA_FRAME_MS: '5' })).toThrow(ConfigError)
    expect(() => configFromEnv({ LOA_ADMIN_TOKEN: 'short' })).toThrow(/LOA_ADMIN_TOKEN/)
    expect(() => makeConfig({ logLevel: 'loud' as 'info' })).toThrow(ConfigError)
  })
})
