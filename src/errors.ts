// MLflow's error model: a code from databricks.proto, mapped to the HTTP status MLflow's server uses,
// and the {"error_code", "message"} envelope it is written as. Every layer throws MlflowError, so
// it sits at the bottom and imports nothing of ours; http/error-envelope.ts writes it.
import { z } from 'zod';

const STATUS_BY_CODE = {
  INTERNAL_ERROR: 500,
  INVALID_STATE: 500,
  DATA_LOSS: 500,
  NOT_IMPLEMENTED: 501,
  TEMPORARILY_UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  REQUEST_LIMIT_EXCEEDED: 429,
  CANCELLED: 499,
  RESOURCE_EXHAUSTED: 429,
  ABORTED: 409,
  RESOURCE_CONFLICT: 409,
  ALREADY_EXISTS: 409,
  NOT_FOUND: 404,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  PERMISSION_DENIED: 403,
  CUSTOMER_UNAUTHORIZED: 401,
  UNAUTHENTICATED: 401,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
} as const;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export class MlflowError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** [sqlstate, error_class] where MLflow raises this error with its own class. */
    readonly classification?: readonly [string, string],
    /** The HTTP status, where it is not the code's usual one. */
    private readonly httpStatus?: number,
  ) {
    super(message);
    this.name = 'MlflowError';
  }

  get status(): number {
    return this.httpStatus ?? STATUS_BY_CODE[this.code];
  }

  static invalidParameter(message: string): MlflowError {
    return new MlflowError('INVALID_PARAMETER_VALUE', message);
  }

  static notFound(message: string): MlflowError {
    return new MlflowError('RESOURCE_DOES_NOT_EXIST', message);
  }

  /**
   * The server's disk or quota is full. 507 rather than RESOURCE_EXHAUSTED's usual 429: MLflow's
   * client retries 408, 429, 500 and 502-504 with back-off for minutes, which would only meet the
   * same full disk again.
   */
  static storageFull(): MlflowError {
    return new MlflowError(
      'RESOURCE_EXHAUSTED',
      "The server's storage is full (no space left on device); nothing was written. " +
        'Retry once space has been freed.',
      undefined,
      507,
    );
  }
}

/** True for the errors a full disk or an exhausted quota gives, from the filesystem or SQLite. */
export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL';
}

/**
 * PostgreSQL refusing a value the client sent, which SQLite would have stored: text holding the NUL
 * character (SQLSTATE 22021), or a value too long for an index entry (54000). Answered 400.
 */
export function databaseRefusal(err: unknown): MlflowError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === '22021' || code === '22P05') {
    return MlflowError.invalidParameter(
      'Text values cannot contain the NUL character (\\u0000) on this server.',
    );
  }
  if (code === '54000') {
    return MlflowError.invalidParameter(
      `A value is too long to be stored and searched on this server: ${(err as Error).message}`,
    );
  }
  return undefined;
}

// MLflow 3.x adds a classification to each error it raises (mlflow/error_classification.py,
// client-side table): [sqlstate, error_class]. Codes outside the table carry neither.
const CLASSIFICATION: Partial<Record<ErrorCode, [string, string]>> = {
  BAD_REQUEST: ['KAM00', 'INVALID_PARAMETER_VALUE'],
  CUSTOMER_UNAUTHORIZED: ['KAM00', 'PERMISSION_DENIED'],
  ENDPOINT_NOT_FOUND: ['KAM00', 'RESOURCE_NOT_FOUND'],
  INTERNAL_ERROR: ['XXM00', 'CLIENT_INTERNAL_ERROR'],
  INVALID_PARAMETER_VALUE: ['KAM00', 'INVALID_PARAMETER_VALUE'],
  INVALID_STATE: ['XXM00', 'CLIENT_INTERNAL_ERROR'],
  NOT_FOUND: ['KAM00', 'RESOURCE_NOT_FOUND'],
  PERMISSION_DENIED: ['KAM00', 'PERMISSION_DENIED'],
  RESOURCE_ALREADY_EXISTS: ['KAM00', 'RESOURCE_ALREADY_EXISTS'],
  RESOURCE_DOES_NOT_EXIST: ['KAM00', 'RESOURCE_NOT_FOUND'],
  TEMPORARILY_UNAVAILABLE: ['XXM00', 'CLIENT_INTERNAL_ERROR'],
};

export const errorBodySchema = z
  .object({
    error_code: z.enum(Object.keys(STATUS_BY_CODE) as [ErrorCode, ...ErrorCode[]]),
    message: z.string(),
    sqlstate: z.string().optional(),
    error_class: z.string().optional(),
  })
  .meta({ id: 'Error', description: "MLflow's error envelope (databricks.proto ErrorCode)." });
export type ErrorBody = z.infer<typeof errorBodySchema>;

export function errorBody(
  code: ErrorCode,
  message: string,
  classification: readonly [string, string] | undefined = CLASSIFICATION[code],
): ErrorBody {
  if (!classification) return { error_code: code, message };
  return { error_code: code, message, sqlstate: classification[0], error_class: classification[1] };
}
