// The routing decision and the origin request, without a network.
import assert from "node:assert/strict";
import { test } from "node:test";
import { decide, matchRoute, parsePrefixes } from "../dist/route_table.js";
import { originHeaders, originRequest } from "../dist/origin_request.js";

const env = { CPP_ORIGIN: "https://cpp.test/", LEGACY_ORIGIN: "https://legacy.test", ORIGIN_SECRET: "s3cret" };
const all = parsePrefixes(undefined);
const req = (method, path, headers = {}) => new Request(`https://edge.test${path}`, { method, headers });
const plan = (method, path, headers) => {
  const r = req(method, path, headers);
  return originRequest(r, decide(r, all), env);
};

test("a literal segment wins over a capture, as in the server's router", () => {
  assert.equal(matchRoute("GET", "/api/products/search").pattern, "/api/products/search");
  assert.equal(matchRoute("GET", "/api/products/abc").pattern, "/api/products/:id");
  assert.equal(matchRoute("HEAD", "/api/products/").pattern, "/api/products");
  assert.equal(matchRoute("PUT", "/api/products/abc"), null);
});

test("a preflight goes where the request it announces will go", () => {
  const preflight = (method) => decide(req("OPTIONS", "/api/products/abc", { "access-control-request-method": method }), all);
  assert.equal(preflight("GET").target, "cpp");
  assert.equal(preflight("PUT").target, "legacy");
});

test("MIGRATED_PREFIXES match whole segments", () => {
  const only = parsePrefixes(" /api/products , /api/banners");
  assert.equal(decide(req("GET", "/api/products/abc"), only).target, "cpp");
  assert.equal(decide(req("GET", "/api/banners"), only).target, "cpp");
  assert.equal(decide(req("GET", "/api/categories"), only).target, "legacy");
  assert.equal(decide(req("GET", "/gateway-health"), only).target, "cpp");
  assert.equal(decide(req("GET", "/api/products"), parsePrefixes("none")).target, "legacy");
});

test("a public read is fetched cacheable, with edge tags, under the origin's URL", () => {
  const { url, init } = plan("GET", "/api/products?page=2");
  assert.equal(url, "https://cpp.test/api/products?page=2");
  assert.deepEqual(init.cf, { cacheEverything: true, cacheTags: ["wh-edge", "wh-edge:product_lists"] });
  assert.equal(init.redirect, "manual");
});

test("nothing else is fetched cacheable", () => {
  assert.equal(plan("GET", "/api/auth/me").init.cf, undefined);
  assert.equal(plan("POST", "/api/auth/login").init.cf, undefined);
  assert.equal(plan("GET", "/api/cart").init.cf, undefined);
  assert.equal(plan("GET", "/api/currency/convert?to=USD&amount=1").init.cf, undefined);
});

test("without CF-Connecting-IP no client address reaches the origin", () => {
  const r = req("GET", "/api/banners", { "x-client-ip": "198.51.100.1", "x-forwarded-for": "198.51.100.2" });
  const h = originHeaders(r, decide(r, all), env);
  assert.equal(h.get("x-client-ip"), null);
  assert.equal(h.get("x-forwarded-for"), null);
  assert.equal(h.get("x-origin-secret"), "s3cret");
});
