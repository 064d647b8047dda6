/** Version of the Loa MQTT contract. It is in the topic prefix, in every JSON payload (`v`) and in every frame. */
export const PROTOCOL_VERSION = 1 as const

/** Every Loa topic starts with this prefix; a later, incompatible contract gets `loa/v2`. */
export const TOPIC_PREFIX = `loa/v${PROTOCOL_VERSION}` as const

/** Opus always decodes at 48 kHz; frame durations and skips are counted in these samples. */
export const SAMPLE_RATE = 48_000 as const
