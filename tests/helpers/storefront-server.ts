// The stand-in storefront lives with the dev store (devstore/storefront.ts); the
// browser test and bench/storefront.ts use it without a checkout, with the app's
// proxy routes called in this process.
export * from "../../devstore/storefront";
