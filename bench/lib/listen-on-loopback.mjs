// Preloaded (node --import) into the app server the benchmark starts: server.ts
// calls app.listen(PORT) with no host, i.e. every interface. A benchmark must
// stay on loopback, so a listen() given a port but no host gets 127.0.0.1.
// Nothing else about the server changes.
import net from "node:net";

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const [first] = args;
  if (typeof first === "number" || (typeof first === "string" && /^\d+$/.test(first))) {
    if (typeof args[1] !== "string") args.splice(1, 0, "127.0.0.1");
  } else if (first && typeof first === "object" && first.port !== undefined && !first.host && !first.path) {
    args[0] = { ...first, host: "127.0.0.1" };
  }
  return listen.apply(this, args);
};
