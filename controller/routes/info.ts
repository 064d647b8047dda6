import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { PROTOCOL_VERSION } from '../../protocol/index.js'
import { secured } from './common.js'
import { VERSION } from '../version.js'

/** What a client (the device simulator, an integration) needs to know to talk to this controller. */
const info: FastifyPluginAsyncTypebox = async app => {
  app.get('/info', {
    schema: {
      tags: ['system'], security: secured, summary: 'Controller version, protocol version and MQTT ports',
      response: {
        200: Type.Object({
          name: Type.Literal('loa'),
          version: Type.String(),
          protocol: Type.Integer(),
          mqtt: Type.Object({ port: Type.Integer(), wsPath: Type.String() })
        })
      }
    }
  }, async () => ({
    name: 'loa' as const, version: VERSION, protocol: PROTOCOL_VERSION, mqtt: { port: app.mqtt.port, wsPath: app.mqtt.wsPath }
  }))
}

export default info
