// A real load balancer for the multi-process soak: nginx (Debian's package,
// installed when missing) on 127.0.0.1 only, spreading deliveries over the app
// processes as a production deployment's balancer does. A process that dies
// mid-request is taken out for a moment and the request retried on another
// (`proxy_next_upstream ... non_idempotent`: a webhook POST is safe to send
// twice, the inbox keys it by its webhook id, and that is what the soak checks).
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { LOOPBACK } from "../bench/lib/processes";

const CANDIDATES = ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx", "/usr/local/bin/nginx"];

/** nginx's path, installing Debian's package when it is missing (the soak runs as root on CI's machines). */
export function ensureNginx(log: (message: string) => void): string {
  const found = () => CANDIDATES.find((p) => fs.existsSync(p));
  const present = found();
  if (present) return present;
  log("nginx is not installed: installing Debian's package (apt-get install nginx-light)");
  try {
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "nginx-light"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } catch {
    execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "nginx"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  }
  const installed = found();
  if (!installed) throw new Error("nginx could not be installed (apt-get install nginx-light): install it, or run the soak with --processes 1");
  return installed;
}

export interface LoadBalancer {
  port: number;
  stop(): Promise<void>;
}

export function nginxConfig(dir: string, port: number, upstreams: number[]): string {
  const servers = upstreams.map((p) => `    server ${LOOPBACK}:${p} max_fails=1 fail_timeout=2s;`).join("\n");
  // Run as root, nginx hands its workers to "nobody", who cannot write the soak's private temporary directory.
  const user = process.getuid?.() === 0 ? "user root;\n" : "";
  return `# The soak's load balancer (soak/load-balancer.ts): loopback only.
${user}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream app {
${servers}
    keepalive 32;
  }
  server {
    listen ${LOOPBACK}:${port};
    client_max_body_size 16m;
    # Webhook bodies are small: kept in memory, never written to a temporary file.
    client_body_buffer_size 1m;
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
      # A process killed mid-request: the delivery goes to another one.
      proxy_next_upstream error timeout http_502 http_503 non_idempotent;
      proxy_next_upstream_tries 4;
    }
  }
}
`;
}

/** Starts nginx in the foreground on `port`, balancing over `upstreams`; resolves once it accepts connections. */
export async function startLoadBalancer(nginx: string, dir: string, port: number, upstreams: number[]): Promise<LoadBalancer> {
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, "nginx.conf");
  fs.writeFileSync(conf, nginxConfig(dir, port, upstreams));
  execFileSync(nginx, ["-t", "-q", "-p", dir, "-c", conf], { stdio: "pipe" });
  const child: ChildProcess = spawn(nginx, ["-p", dir, "-c", conf], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    if (await accepts(port)) break;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port} within 15 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null) child.kill("SIGQUIT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    },
  };
}

async function accepts(port: number): Promise<boolean> {
  const net = await import("node:net");
  return new Promise((resolve) => {
    const socket = net.connect(port, LOOPBACK);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
