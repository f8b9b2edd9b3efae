// Loopback servers for the Worker tests: the real C++ origin (the binary at
// $WH_TEST_BINARY on a scratch copy of the test database), a recorder that
// notes what reaches the origin and passes it on, and a fake legacy backend.
import { spawn, execFileSync } from "node:child_process";
import http from "node:http";
import net from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export const JWT_SECRET = "edge-test-jwt-secret-0123456789abcdef0123456789";
export const ORIGIN_SECRET = "edge-test-origin-secret-0123456789abcdef";

export const binary = process.env.WH_TEST_BINARY;
export const haveOrigin = Boolean(binary && process.env.WH_TEST_ADMIN_URL && process.env.WH_TEST_TEMPLATE_DB);

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function psql(sql) {
  execFileSync("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", process.env.WH_TEST_ADMIN_URL, "-c", sql], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

// `wighaven serve` with ORIGIN_SECRET set, on a database cloned from the
// test template. Resolves once /healthz answers.
export async function startOrigin() {
  const db = `wh_edge_${process.pid}`;
  psql(`DROP DATABASE IF EXISTS ${db}`);
  psql(`CREATE DATABASE ${db} TEMPLATE ${process.env.WH_TEST_TEMPLATE_DB}`);
  const admin = new URL(process.env.WH_TEST_ADMIN_URL);
  admin.pathname = `/${db}`;
  const port = await freePort();
  const child = spawn(binary, ["serve"], {
    env: {
      ...process.env,
      DATABASE_URL: admin.toString(),
      HOST: "127.0.0.1",
      PORT: String(port),
      JWT_SECRET,
      ORIGIN_SECRET,
      RATE_LIMITS: "false",
      ACCESS_LOG: "0",
      CURRENCY_API_URL: "off",
      NODE_ENV: "development",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`origin exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      await exited;
      psql(`DROP DATABASE IF EXISTS ${db}`);
    },
  };
}

function listen(handler) {
  const server = http.createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        server,
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((r) => server.close(r)),
      });
    });
  });
}

// Notes each request ({method, path, headers}) and passes it on to `target`.
export async function recorder(target) {
  const requests = [];
  const s = await listen((req, res) => {
    requests.push({ method: req.method, path: req.url, headers: req.headers });
    const headers = { ...req.headers, host: new URL(target).host };
    const up = http.request(target + req.url, { method: req.method, headers }, (r) => {
      res.writeHead(r.statusCode, r.headers);
      r.pipe(res);
    });
    up.on("error", () => {
      res.writeHead(599);
      res.end();
    });
    req.pipe(up);
  });
  return { ...s, requests, last: () => requests[requests.length - 1] };
}

// The legacy backend: answers every request with what it received.
export async function fakeLegacy() {
  const requests = [];
  const s = await listen((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ legacy: true, method: req.method, path: req.url }));
    });
  });
  return { ...s, requests, last: () => requests[requests.length - 1] };
}
