// cloudflare/apply.mjs against a fake Cloudflare API on loopback.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import http from "node:http";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const script = fileURLToPath(new URL("../cloudflare/apply.mjs", import.meta.url));

test("apply.mjs PUTs both phase entry points with the hosts filled in", async () => {
  const calls = [];
  const api = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      calls.push({ method: req.method, url: req.url, auth: req.headers.authorization, body: JSON.parse(body) });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ success: true, result: {} }));
    });
  });
  await new Promise((r) => api.listen(0, "127.0.0.1", r));
  try {
    const env = {
      ...process.env,
      CLOUDFLARE_API_BASE_URL: `http://127.0.0.1:${api.address().port}/client/v4`,
      CLOUDFLARE_API_TOKEN: "cf-token",
      CLOUDFLARE_ZONE_ID: "zone1",
      API_HOSTS: "api.example.com, origin.example.com",
    };
    await promisify(execFile)(process.execPath, [script], { env });
  } finally {
    api.close();
  }
  assert.deepEqual(
    calls.map((c) => [c.method, c.url, c.auth]),
    [
      ["PUT", "/client/v4/zones/zone1/rulesets/phases/http_request_cache_settings/entrypoint", "Bearer cf-token"],
      ["PUT", "/client/v4/zones/zone1/rulesets/phases/http_ratelimit/entrypoint", "Bearer cf-token"],
    ],
  );
  const expression = calls[0].body.rules[0].expression;
  assert.match(expression, /^\(http\.host in \{"api\.example\.com" "origin\.example\.com"\}\) and /);
  assert.equal(calls[1].body.rules[0].ratelimit.period, 10);
});

test("apply.mjs refuses to run without API_HOSTS", async () => {
  const env = { ...process.env, API_HOSTS: "" };
  await assert.rejects(promisify(execFile)(process.execPath, [script, "--dry-run"], { env }), { code: 2 });
});
