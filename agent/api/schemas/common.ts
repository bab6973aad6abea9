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
export const openObjectSchema = { type: 'object', additionalProperties: true } as const;
