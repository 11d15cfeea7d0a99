/** A refusal of the hub, from its problem+json answer (RFC 9457). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** GET one of the hub's own JSON routes with the token: the console calls nothing else. */
export type Api = <T>(path: string) => Promise<T>;

export function apiWith(token: string): Api {
  return async <T>(path: string): Promise<T> => {
    const response = await fetch(path, { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
    const body = (await response.json().catch(() => ({}))) as {
      code?: string;
      detail?: string;
      title?: string;
    };
    if (!response.ok)
      throw new ApiError(
        response.status,
        body.code ?? 'HTTP',
        body.detail ?? body.title ?? response.statusText,
      );
    return body as T;
  };
}
