// GET /api/v1/openapi.json: the read API's OpenAPI 3.1 document. Public: it
// describes the API, not any shop's data.
import { openApiDocument } from "~/api/openapi";

export const loader = ({ request }: { request: Request }) =>
  new Response(JSON.stringify(openApiDocument(new URL(request.url).origin)), {
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" },
  });
