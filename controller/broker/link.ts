/**
 * What the controller needs from an MQTT broker. The embedded aedes broker implements it now; an external
 * broker (Mosquitto, EMQX) is a later implementation over an mqtt.js client. Nothing above this interface may
 * depend on aedes (DESIGN.md, "Scale beyond one machine").
 */
export interface PublishOptions { qos?: 0 | 1, retain?: boolean }

export type MessageHandler = (topic: string, payload: Buffer) => void

export interface BrokerLink {
  publish: (topic: string, payload: Buffer | string, opts?: PublishOptions) => Promise<void>
  /** Subscribes the controller itself; the handler must not throw (it is wrapped anyway). */
  subscribe: (pattern: string, handler: MessageHandler) => Promise<void>
  /** Tells the link which clients are connected, for presence; usernames are node ids. */
  onClient: (listener: (event: 'connected' | 'disconnected', nodeId: string) => void) => void
  /** Drops a client's connection (node deleted or its credentials rotated). */
  disconnect: (clientId: string) => void
  close: () => Promise<void>
}
