// Applies the Cache Rule and the rate-limiting rule to a zone through the
// Rulesets API: one PUT per phase entry point, which creates the entry point
// when missing and otherwise REPLACES every rule in that phase (keep any
// other rule of yours in these JSON files).
//
//   CLOUDFLARE_API_TOKEN=... CLOUDFLARE_ZONE_ID=... API_HOSTS=api.example.com \
//     node cloudflare/apply.mjs [--dry-run]
//
// API_HOSTS: comma-separated hostnames under which Cloudflare sees the C++
// origin (the zone hostname clients or the Worker fetch). Token permissions:
// Zone > Cache Rules > Edit, Zone > Zone WAF > Edit.
// CLOUDFLARE_API_BASE_URL defaults to https://api.cloudflare.com/client/v4.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const dryRun = process.argv.includes("--dry-run");
const env = process.env;

function fail(message) {
  console.error(`apply: ${message}`);
  process.exit(2);
}

const hosts = (env.API_HOSTS ?? "")
  .split(",")
  .map((h) => h.trim())
  .filter(Boolean);
if (hosts.length === 0) fail("set API_HOSTS (comma-separated API hostnames)");
if (!hosts.every((h) => /^[A-Za-z0-9.-]+$/.test(h))) fail("API_HOSTS must be plain hostnames");

const load = (name) => JSON.parse(readFileSync(`${here}${name}`, "utf8"));
const cache = load("cache-rules.json");
for (const rule of cache.rules) {
  rule.expression = rule.expression.replace('"__API_HOSTS__"', hosts.map((h) => `"${h}"`).join(" "));
}
const phases = [
  ["http_request_cache_settings", cache],
  ["http_ratelimit", load("rate-limit-rules.json")],
];

if (dryRun) {
  for (const [phase, body] of phases) console.log(`PUT .../rulesets/phases/${phase}/entrypoint\n${JSON.stringify(body, null, 2)}`);
  process.exit(0);
}
if (!env.CLOUDFLARE_API_TOKEN || !env.CLOUDFLARE_ZONE_ID) fail("set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ZONE_ID");
const base = (env.CLOUDFLARE_API_BASE_URL || "https://api.cloudflare.com/client/v4").replace(/\/+$/, "");
let failed = false;
for (const [phase, body] of phases) {
  const url = `${base}/zones/${encodeURIComponent(env.CLOUDFLARE_ZONE_ID)}/rulesets/phases/${phase}/entrypoint`;
  const response = await fetch(url, {
    method: "PUT",
    headers: { authorization: `Bearer ${env.CLOUDFLARE_API_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let ok = response.ok;
  try {
    ok = ok && JSON.parse(text).success === true;
  } catch {
    ok = false;
  }
  console.log(`${phase}: ${ok ? "applied" : `FAILED (${response.status}) ${text}`}`);
  failed ||= !ok;
}
process.exit(failed ? 1 : 0);
