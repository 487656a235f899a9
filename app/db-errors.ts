// Recognising database errors by Prisma's codes, on either provider.

/** A unique constraint refused the write (Prisma P2002): the row is already there. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
