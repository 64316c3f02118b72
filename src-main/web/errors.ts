/** ApiErrorType is one of the errorType values of Prometheus's HTTP API. */
export type ApiErrorType =
  'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal' | 'unavailable' | 'not_found';

/** STATUS_BY_TYPE is the HTTP status Prometheus answers for each errorType. */
export const STATUS_BY_TYPE: Readonly<Record<ApiErrorType, 400 | 404 | 422 | 500 | 503>> = {
  bad_data: 400,
  execution: 422,
  timeout: 503,
  canceled: 503,
  internal: 500,
  unavailable: 503,
  not_found: 404,
};

/** ApiError is a request that fails with a Prometheus-style error body and status. */
export class ApiError extends Error {
  constructor(
    readonly type: ApiErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** badData is the error for a missing or malformed parameter. */
export function badData(message: string): ApiError {
  return new ApiError('bad_data', message);
}

/** invalidParam words a parameter error the way Prometheus does: `invalid parameter "time": …`. */
export function invalidParam(name: string, reason: string): ApiError {
  return badData(`invalid parameter ${JSON.stringify(name)}: ${reason}`);
}
