import { STATUS_CODES } from 'node:http'
import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance } from 'fastify'
import { ApiError, apiError } from '../errors.js'

/** Fastify's and @fastify/multipart's own codes that mean "the client sent something wrong". */
const CLIENT_ERRORS: Record<string, () => ApiError> = {
  FST_REQ_FILE_TOO_LARGE: () => apiError('AUDIO_TOO_LARGE', { detail: 'it is over the upload limit' }),
  FST_FILES_LIMIT: () => apiError('VALIDATION_FAILED', { detail: 'send one file at a time' }),
  FST_INVALID_MULTIPART_CONTENT_TYPE: () => apiError('MEDIA_FILE_MISSING'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => apiError('VALIDATION_FAILED', { detail: 'unsupported content type' }),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => apiError('VALIDATION_FAILED', { detail: 'the JSON body is empty' }),
  FST_ERR_CTP_INVALID_JSON_BODY: () => apiError('VALIDATION_FAILED', { detail: 'the body is not valid JSON' })
}

function toApiError (err: FastifyError): ApiError | undefined {
  if (err instanceof ApiError) return err
  if (err.validation !== undefined) return apiError('VALIDATION_FAILED', { detail: err.message })
  const mapped = CLIENT_ERRORS[err.code]
  if (mapped !== undefined) return mapped()
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return apiError('VALIDATION_FAILED', { detail: err.message })
  }
  return undefined
}

function body (e: ApiError): Record<string, string | number> {
  const error = STATUS_CODES[e.statusCode] ?? 'Error'
  return { statusCode: e.statusCode, code: e.code, error, message: e.message, messageVi: e.messageVi }
}

/** Every error leaves as `{ statusCode, code, error, message, messageVi }` with a code from errors.ts. */
export default fp(async (app: FastifyInstance) => {
  app.setErrorHandler(async (err: FastifyError, req, reply) => {
    const e = toApiError(err) ?? apiError('INTERNAL')
    if (e.code === 'INTERNAL') req.log.error({ err }, 'unhandled error')
    else if (e.statusCode >= 500) req.log.error({ err, code: e.code }, e.message)
    return await reply.status(e.statusCode).send(body(e))
  })
  app.setNotFoundHandler(async (req, reply) => {
    const e = apiError('ROUTE_NOT_FOUND', { method: req.method, url: req.url.split('?')[0] ?? '' })
    return await reply.status(404).send(body(e))
  })
}, { name: 'loa-errors' })
