import { BroadcastRecord } from '../store/schema.js'

/** The API shows broadcast records as stored; the schema documents them in OpenAPI. */
export const BroadcastView = BroadcastRecord
