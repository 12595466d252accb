import { errorStatus, type ErrorCode } from '@careloop/shared';

/** An error the client caused or must know about; it becomes `{"error":{code,message,details}}` with its status. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = errorStatus[code];
  }
}

/** Another organisation's record and a missing one answer the same: existence is not leaked. */
export function notFound(what: string): AppError {
  return new AppError('NOT_FOUND', `${what} not found`);
}
