// One error type for the whole agent, and one catalogue of codes. The API maps `status` to the
// HTTP status, the CLI maps `exitCode` to its exit code (125 = berth's own error, like docker).

export interface ErrorCodeInfo {
  status: number;   // HTTP status
  exitCode: number; // CLI exit code
  summary: string;
}

export const ERROR_CODES = {
  INVALID_SPEC: { status: 400, exitCode: 125, summary: 'the container spec is invalid' },
  INVALID_REQUEST: { status: 400, exitCode: 125, summary: 'the request is invalid' },
  INVALID_CONFIG: { status: 400, exitCode: 125, summary: 'the configuration is invalid' },
  INVALID_POLICY: { status: 400, exitCode: 125, summary: 'a policy file is invalid' },
  UNAUTHORIZED: { status: 401, exitCode: 125, summary: 'a bearer token is required' },
  POLICY_DENIED: { status: 403, exitCode: 125, summary: 'denied by policy' },
  FORBIDDEN: { status: 403, exitCode: 125, summary: 'not allowed on this listener' },
  NOT_FOUND: { status: 404, exitCode: 125, summary: 'no such container' },
  NAME_IN_USE: { status: 409, exitCode: 125, summary: 'the container name is already in use' },
  INVALID_STATE: { status: 409, exitCode: 125, summary: 'the container is not in a state that allows this' },
  COMMAND_NOT_EXECUTABLE: { status: 400, exitCode: 126, summary: 'the command cannot be invoked' },
  COMMAND_NOT_FOUND: { status: 400, exitCode: 127, summary: 'the command was not found' },
  LAUNCH_FAILED: { status: 500, exitCode: 125, summary: 'the container could not be launched' },
  CGROUP_FAILED: { status: 500, exitCode: 125, summary: 'a cgroup operation failed' },
  STATE_FAILED: { status: 500, exitCode: 125, summary: 'the state directory could not be read or written' },
  AGENT_UNREACHABLE: { status: 503, exitCode: 125, summary: 'the agent cannot be reached' },
  INTERNAL: { status: 500, exitCode: 125, summary: 'internal error' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class BerthError extends Error {
  readonly code: ErrorCode;
  /** Structured detail for clients, e.g. `{ field: 'resources.memoryBytes' }` or the failed policy rules. */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BerthError';
    this.code = code;
    this.details = details;
  }

  get status(): number { return ERROR_CODES[this.code].status; }
  get exitCode(): number { return ERROR_CODES[this.code].exitCode; }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

/** Node system errors carry `code` (ENOENT, ESRCH, …); expected ones are explicit branches. */
export function errnoCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : undefined;
}

export function isErrno(err: unknown, ...codes: string[]): boolean {
  const code = errnoCode(err);
  return code !== undefined && codes.includes(code);
}
