// A fresh shop domain per test: tests share their file's database but never its rows.
import { randomBytes } from "node:crypto";

export function uniqueShop(name = "shop"): string {
  return `${name}-${randomBytes(4).toString("hex")}.myshopify.com`;
}
