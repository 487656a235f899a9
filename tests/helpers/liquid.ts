// The theme extension's Liquid renderer lives with the dev store (devstore/liquid.ts).
export * from "../../devstore/liquid";
