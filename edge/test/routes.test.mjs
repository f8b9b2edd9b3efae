// The route list is kept in one place: src/routes.json is the server's own
// table (`wighaven routes`), and the Cache Rule is generated from it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { render } from "../scripts/cloudflare_config.mjs";
import { binary } from "./support/servers.mjs";

const read = (path) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");
const routes = JSON.parse(read("src/routes.json"));

test("src/routes.json is the server's route table", { skip: !binary && "WH_TEST_BINARY is not set" }, () => {
  const served = JSON.parse(execFileSync(binary, ["routes"], { encoding: "utf8" }));
  assert.deepEqual(routes, served, "stale: run `npm run routes --prefix edge` and commit src/routes.json");
});

test("cloudflare/cache-rules.json is generated from src/routes.json", () => {
  assert.equal(read("cloudflare/cache-rules.json"), render(routes), "stale: run `npm run cloudflare-config --prefix edge`");
});

test("the Cache Rule names every public route and nothing else", () => {
  const expression = JSON.parse(read("cloudflare/cache-rules.json")).rules[0].expression;
  const publicPatterns = new Set(routes.filter((r) => r.public).map((r) => r.pattern));
  assert.ok(publicPatterns.size > 0 && publicPatterns.size < routes.length);
  for (const { pattern } of routes) {
    const inRule = expression.includes(`"${pattern.replace(/:[^/]+/g, "*")}"`);
    assert.equal(inRule, publicPatterns.has(pattern), pattern);
  }
});
