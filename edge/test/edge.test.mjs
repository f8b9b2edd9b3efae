// The Worker in miniflare in front of the real C++ origin (through a
// recorder that notes what reaches it) and a fake legacy backend.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { startEdge } from "./support/edge.mjs";
import { fakeLegacy, haveOrigin, ORIGIN_SECRET, recorder, startOrigin } from "./support/servers.mjs";

const skip = !haveOrigin && "WH_TEST_BINARY / WH_TEST_ADMIN_URL not set: run ./test.sh";
const SHOPPER_IP = "203.0.113.9";
let origin, cpp, legacy, edge, edgeWithTokens, edgeProductsOnly;

before(async () => {
  if (skip) return;
  origin = await startOrigin();
  cpp = await recorder(origin.url);
  legacy = await fakeLegacy();
  const bindings = { CPP_ORIGIN: cpp.url, LEGACY_ORIGIN: legacy.url, ORIGIN_SECRET };
  edge = startEdge(bindings);
  edgeWithTokens = startEdge({ ...bindings, CPP_ORIGIN_TOKEN: "hf_cpp", LEGACY_ORIGIN_TOKEN: "hf_legacy" });
  edgeProductsOnly = startEdge({ ...bindings, MIGRATED_PREFIXES: "/api/products" });
});

after(async () => {
  await Promise.all([edge, edgeWithTokens, edgeProductsOnly].filter(Boolean).map((mf) => mf.dispose()));
  await Promise.all([cpp, legacy].filter(Boolean).map((s) => s.close()));
  await origin?.stop();
});

async function get(mf, path, headers = {}, init = {}) {
  const r = await mf.dispatchFetch(`https://api.wighaven.test${path}`, { headers, ...init });
  const text = await r.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: r.status, origin: r.headers.get("x-edge-origin"), json };
}

async function login(email, password) {
  const r = await get(edge, "/api/auth/login", { "content-type": "application/json" }, {
    method: "POST",
    body: JSON.stringify({ email, password }),
  });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return r.json.data.accessToken;
}

test("implemented routes go to the C++ origin, all others to the legacy backend", { skip }, async () => {
  const products = await get(edge, "/api/products?limit=2");
  assert.equal(products.origin, "cpp");
  assert.equal(products.status, 200);
  assert.equal(products.json.success, true);
  assert.equal(cpp.last().path, "/api/products?limit=2");

  // The old backend's static uploads: not served here.
  const media = await get(edge, "/uploads/wig.jpg");
  assert.deepEqual([media.origin, media.json], ["legacy", { legacy: true, method: "GET", path: "/uploads/wig.jpg" }]);
  // The path is implemented, this method is not.
  const del = await get(edge, "/api/products/abc", {}, { method: "DELETE" });
  assert.equal(del.origin, "legacy");
});

test("MIGRATED_PREFIXES keeps implemented routes outside them on the legacy backend", { skip }, async () => {
  assert.equal((await get(edgeProductsOnly, "/api/products/search?q=wig")).origin, "cpp");
  assert.equal((await get(edgeProductsOnly, "/api/categories")).origin, "legacy");
});

test("X-Client-IP is the shopper's CF-Connecting-IP, whatever the client sent", { skip }, async () => {
  const forged = { "x-client-ip": "198.51.100.1", "x-forwarded-for": "198.51.100.2", "x-real-ip": "198.51.100.3" };
  await get(edge, "/api/banners", { ...forged, "cf-connecting-ip": SHOPPER_IP });
  const seen = cpp.last().headers;
  assert.equal(seen["x-client-ip"], SHOPPER_IP);
  assert.equal(seen["x-forwarded-for"], undefined);
  assert.equal(seen["x-real-ip"], undefined);

  await get(edge, "/uploads/wig.jpg", { ...forged, "cf-connecting-ip": SHOPPER_IP });
  assert.equal(legacy.last().headers["x-client-ip"], SHOPPER_IP);
});

test("the origin secret reaches the C++ origin, which refuses requests without it", { skip }, async () => {
  const viaEdge = await get(edge, "/api/categories", { "x-origin-secret": "forged" });
  assert.equal(viaEdge.status, 200);
  assert.equal(cpp.last().headers["x-origin-secret"], ORIGIN_SECRET);
  assert.equal((await fetch(`${origin.url}/api/categories`)).status, 403);

  await get(edge, "/uploads/wig.jpg", { "x-origin-secret": "forged" });
  assert.equal(legacy.last().headers["x-origin-secret"], undefined);
});

test("public catalog reads reach the origin without the caller's credentials", { skip }, async () => {
  const credentials = {
    authorization: "Bearer not-a-token",
    "x-auth-token": "not-a-token",
    "x-forwarded-auth": "Bearer not-a-token",
    cookie: "sid=1",
  };
  const r = await get(edge, "/api/products/categories", credentials);
  assert.equal(r.status, 200);
  for (const name of Object.keys(credentials)) assert.equal(cpp.last().headers[name], undefined, name);

  // A user-specific route keeps them, and the origin judges them.
  const me = await get(edge, "/api/auth/me", credentials);
  assert.equal(me.status, 401);
  assert.equal(cpp.last().headers.authorization, "Bearer not-a-token");
});

test("the old gateway's x-forwarded-auth passes through and the origin authenticates it", { skip }, async () => {
  const token = await login("customer1@example.com", "Customer@123");
  const me = await get(edge, "/api/auth/me", { "x-forwarded-auth": `Bearer ${token}` });
  assert.equal(me.status, 200);
  assert.equal(me.json.data.user.email, "customer1@example.com");

  // Behind the Space's platform token the origin still authenticates the shopper.
  const behind = await get(edge, "/api/auth/me", { "x-forwarded-auth": `Bearer ${token}`, authorization: "Bearer hf_platform" });
  assert.equal(behind.status, 200);
  assert.equal(behind.json.data.user.email, "customer1@example.com");
  assert.equal(cpp.last().headers["x-forwarded-auth"], `Bearer ${token}`);
  assert.equal(cpp.last().headers.authorization, "Bearer hf_platform");
});

test("with an origin token the client's credential moves to x-forwarded-auth", { skip }, async () => {
  await get(edgeWithTokens, "/uploads/wig.jpg", { authorization: "Bearer client-jwt" });
  assert.equal(legacy.last().headers["x-forwarded-auth"], "Bearer client-jwt");
  assert.equal(legacy.last().headers.authorization, "Bearer hf_legacy");

  await get(edgeWithTokens, "/api/auth/me", { "x-auth-token": "client-jwt" });
  assert.equal(cpp.last().headers["x-forwarded-auth"], "Bearer client-jwt");
  assert.equal(cpp.last().headers.authorization, "Bearer hf_cpp");

  await get(edgeWithTokens, "/api/banners", { authorization: "Bearer client-jwt" }); // public: platform token only
  assert.equal(cpp.last().headers["x-forwarded-auth"], undefined);
  assert.equal(cpp.last().headers.authorization, "Bearer hf_cpp");
});

test("/gateway-health is forwarded to the C++ origin with the secret", { skip }, async () => {
  const r = await get(edgeProductsOnly, "/gateway-health");
  assert.equal(r.origin, "cpp");
  assert.equal(cpp.last().path, "/gateway-health");
  assert.equal(cpp.last().headers["x-origin-secret"], ORIGIN_SECRET);
});

test("an unreachable origin is a JSON 502", { skip }, async () => {
  const down = startEdge({ CPP_ORIGIN: "http://127.0.0.1:9", LEGACY_ORIGIN: legacy.url });
  try {
    const r = await get(down, "/api/products");
    assert.deepEqual([r.status, r.origin, r.json.error.type], [502, "cpp", "BadGateway"]);
  } finally {
    await down.dispose();
  }
});
