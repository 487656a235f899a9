// App proxy signing and in-process delivery live with the dev store (devstore/app-proxy.ts).
export * from "../../devstore/app-proxy";
