import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { login } from "~/shopify.server";

// Shopify opens the app inside the admin; a direct visit goes to the login form.
export const loader = async ({ request }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (url.searchParams.get("shop")) throw redirect(`/app?${url.searchParams.toString()}`);
  if (!login) throw new Response("Not found", { status: 404 });
  throw redirect("/auth/login");
};
