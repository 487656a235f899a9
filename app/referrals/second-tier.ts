// What the second-tier fee's admin page and its server module share (the
// page's client code may not import the server module).
export const SECOND_TIER_KINDS = ["CASH", "STORE_CREDIT"] as const;
export type SecondTierKind = (typeof SECOND_TIER_KINDS)[number];
export type SecondTierField = "enabled" | "kind" | "value" | "acknowledged";
