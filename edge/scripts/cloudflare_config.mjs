// Regenerates cloudflare/cache-rules.json from src/routes.json:
//   npm run cloudflare-config
// The Cache Rule makes the public routes of the C++ origin eligible for the
// edge cache; what is stored and for how long stays the origin's decision
// (edge TTL "bypass_by_default": Cloudflare-CDN-Cache-Control / Cache-Control
// when present, never cached otherwise; browser TTL: the origin's). The host
// list is filled in when the rule is applied (cloudflare/apply.mjs), because
// it is per deployment. Strong ETags are kept so that If-None-Match gets the
// origin's 304. The rule has no method condition: Cloudflare caches
// only GET and HEAD anyway, and a GET-only rule breaks single-file purge.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const HOSTS_PLACEHOLDER = "__API_HOSTS__";

export function cacheRules(routes) {
  const patterns = [...new Set(routes.filter((r) => r.public).map((r) => r.pattern))].sort();
  const exact = patterns.filter((p) => !p.includes("/:"));
  const wild = patterns.filter((p) => p.includes("/:")).map((p) => p.replace(/:[^/]+/g, "*"));
  const paths = [
    `http.request.uri.path in {${exact.map((p) => `"${p}"`).join(" ")}}`,
    ...wild.map((p) => `http.request.uri.path wildcard "${p}"`),
  ];
  return {
    description: "WigHaven: cache the public API reads as the origin's headers say",
    rules: [
      {
        description: "WigHaven public API reads (generated from edge/src/routes.json)",
        expression: `(http.host in {"${HOSTS_PLACEHOLDER}"}) and (${paths.join(" or ")})`,
        action: "set_cache_settings",
        action_parameters: {
          cache: true,
          edge_ttl: { mode: "bypass_by_default" },
          browser_ttl: { mode: "respect_origin" },
          serve_stale: { disable_stale_while_updating: false },
          respect_strong_etags: true,
        },
        enabled: true,
      },
    ],
  };
}

export function render(routes) {
  return JSON.stringify(cacheRules(routes), null, 2) + "\n";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const routes = JSON.parse(readFileSync(`${root}src/routes.json`, "utf8"));
  writeFileSync(`${root}cloudflare/cache-rules.json`, render(routes));
  console.log("cloudflare/cache-rules.json regenerated");
}
