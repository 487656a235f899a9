// The read API's answers: JSON always, errors as { error: { code, message, field? } }
// so a client can branch on `code` and show `message`, and a bad parameter is named.
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string };
}

/** A refused request; thrown inside the API's handlers and answered by `respond` (request.server.ts). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toResponse(): Response {
    const body: ApiErrorBody = { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
    return jsonResponse(body, this.status, this.headers);
  }
}

export function badParameter(field: string, message: string): ApiError {
  return new ApiError(400, "invalid_parameter", message, field);
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  // Shop data: never kept by a shared cache.
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", ...headers } });
}
