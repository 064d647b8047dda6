import Type from 'typebox'

/** Shapes shared by several routes, for validation and for the OpenAPI document. */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) })

export const ErrorResponse = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
  messageVi: Type.String()
}, { description: 'Every error: a stable code (see docs/errors.md) and messages in English and Vietnamese' })

/** Names people type: trimmed, not blank, no control characters. */
export const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '^(?!\\s*$)[^\\u0000-\\u001f]+$' })

export const secured = [{ bearer: [] as string[] }]

export function newId (prefix: string): string {
  // Short, URL- and topic-safe, lower case (node ids are also MQTT usernames and topic levels).
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789'
  const bytes = crypto.getRandomValues(new Uint8Array(10))
  return prefix + '-' + Array.from(bytes, b => alphabet[b % alphabet.length]).join('')
}
