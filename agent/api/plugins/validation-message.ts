// Turns the first ajv error of a failed schema check into a sentence that names the field the
// way a user wrote it: `resources.memoryBytes must be integer`, `mounts[0]: missing field "target"`.
import type { FastifySchemaValidationError } from 'fastify';

export function validationFailure(context: string, errors: FastifySchemaValidationError[]): { message: string; field: string } {
  const e = errors[0];
  if (!e) return { message: `invalid ${context}`, field: '' };
  const base = fieldPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') {
    const field = join(base, String(params.missingProperty));
    return { field, message: `${context}: missing field ${field}` };
  }
  if (e.keyword === 'additionalProperties') {
    const field = join(base, String(params.additionalProperty));
    return { field, message: `${context}: unknown field ${field}` };
  }
  if (e.keyword === 'enum') {
    const allowed = (params.allowedValues as unknown[] | undefined)?.map((x) => JSON.stringify(x)).join(', ');
    return { field: base, message: `${context}: ${base || 'value'} must be one of ${allowed}` };
  }
  return { field: base, message: `${context}: ${base || 'value'} ${e.message ?? 'is invalid'}` };
}

/** "/mounts/0/target" → "mounts[0].target" */
function fieldPath(instancePath: string): string {
  return instancePath.split('/').filter(Boolean).reduce((acc, part) =>
    /^\d+$/.test(part) ? `${acc}[${part}]` : join(acc, part.replace(/~1/g, '/').replace(/~0/g, '~')), '');
}

function join(base: string, name: string): string { return base ? `${base}.${name}` : name; }
