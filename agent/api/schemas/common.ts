// Shapes shared by every route: the error body, the :id parameter and an object passed through as it is.

export const errorBodySchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object', required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
} as const;

/** Error responses every route may give; listed so the API reference shows them. */
export const errorResponses = {
  '4xx': errorBodySchema,
  '5xx': errorBodySchema,
} as const;

export const idParamsSchema = {
  type: 'object', required: ['id'],
  properties: { id: { type: 'string', minLength: 1, description: 'container id, unique id prefix or name' } },
} as const;

export interface IdParams { id: string }

/** Any object, serialised field by field as it is (reports, samples: their shapes live elsewhere). */
/** A terminal's size in characters: an exec's or a container's, and a resize. */
export const terminalSizeSchema = {
  type: 'object', additionalProperties: false, required: ['rows', 'cols'],
  properties: { rows: { type: 'integer', minimum: 0, maximum: 65535 }, cols: { type: 'integer', minimum: 0, maximum: 65535 } },
} as const;

export const openObjectSchema = { type: 'object', additionalProperties: true } as const;
