// What the Worker sends to an origin: the header policy and, for public
// catalog reads, Cloudflare's cache options. Pure (no I/O) so that it can be
// tested on its own.
//
// Every request:
//   - X-Client-IP := the shopper's CF-Connecting-IP (a Worker's subrequest
//     reaches the origin with Cloudflare's own CF-Connecting-IP, the same for
//     every shopper); client-sent X-Client-IP, X-Forwarded-For, X-Real-IP,
//     True-Client-IP are removed, so nothing a client writes survives;
//   - the origin-secret header (ORIGIN_SECRET_HEADER, default x-origin-secret)
//     := ORIGIN_SECRET for the C++ origin; removed otherwise, so a client can
//     neither forge it nor learn it from the legacy backend.
// Public reads (GET/HEAD of a route with a cache plan) on the C++ origin:
//   - Authorization, x-auth-token, x-forwarded-auth and Cookie are dropped:
//     the response does not depend on them, and Cloudflare would not cache a
//     request that carries Authorization unless the response says `public`;
//   - fetched with cf.cacheEverything (JSON is not cached by extension) and
//     supplemental cacheTags "wh-edge" and "wh-edge:<instance>"; the TTLs come
//     from the origin's Cloudflare-CDN-Cache-Control, the data tags from its
//     Cache-Tag header.
// Old gateway convention (a private Hugging Face Space behind a platform
// token): when an origin token is configured for the target
// (CPP_ORIGIN_TOKEN / LEGACY_ORIGIN_TOKEN), the client's credential moves to
// x-forwarded-auth (kept when already there) and Authorization carries the
// platform token. Without one, headers pass through as sent: a request from
// the old gateway keeps its x-forwarded-auth and platform Authorization, and
// the origin authenticates x-forwarded-auth.
import type { Decision, RouteEntry, Target } from "./route_table";

export interface EdgeEnv {
  CPP_ORIGIN: string;
  LEGACY_ORIGIN: string;
  ORIGIN_SECRET?: string;
  ORIGIN_SECRET_HEADER?: string;
  CPP_ORIGIN_TOKEN?: string;
  LEGACY_ORIGIN_TOKEN?: string;
  MIGRATED_PREFIXES?: string;
}

export interface OriginRequest {
  url: string;
  init: RequestInit & { cf?: { cacheEverything: boolean; cacheTags: string[] } };
}

const CLIENT_IP_HEADERS = ["cf-connecting-ip", "true-client-ip", "x-forwarded-for", "x-real-ip", "x-client-ip"];
const IDENTITY_HEADERS = ["authorization", "x-auth-token", "x-forwarded-auth", "cookie"];

export function isPublicRead(method: string, decision: Decision): decision is Decision & { route: RouteEntry } {
  const m = method.toUpperCase();
  return decision.target === "cpp" && decision.route !== null && decision.route.public && (m === "GET" || m === "HEAD");
}

export function edgeCacheTags(route: RouteEntry): string[] {
  return ["wh-edge", `wh-edge:${route.cache ?? "public"}`];
}

function originBase(target: Target, env: EdgeEnv): string {
  return (target === "cpp" ? env.CPP_ORIGIN : env.LEGACY_ORIGIN).replace(/\/+$/, "");
}

function platformToken(target: Target, env: EdgeEnv): string | undefined {
  const t = target === "cpp" ? env.CPP_ORIGIN_TOKEN : env.LEGACY_ORIGIN_TOKEN;
  return t ? t : undefined;
}

export function originHeaders(request: Request, decision: Decision, env: EdgeEnv): Headers {
  const h = new Headers(request.headers);
  h.delete("host");
  const clientIp = request.headers.get("cf-connecting-ip");
  for (const name of CLIENT_IP_HEADERS) h.delete(name);
  if (clientIp) h.set("x-client-ip", clientIp);

  const secretHeader = (env.ORIGIN_SECRET_HEADER || "x-origin-secret").toLowerCase();
  h.delete(secretHeader);
  if (decision.target === "cpp" && env.ORIGIN_SECRET) h.set(secretHeader, env.ORIGIN_SECRET);

  const publicRead = isPublicRead(request.method, decision);
  if (publicRead) for (const name of IDENTITY_HEADERS) h.delete(name);

  const token = platformToken(decision.target, env);
  if (token) {
    if (!publicRead && !h.has("x-forwarded-auth")) {
      const auth = h.get("authorization");
      const xAuth = h.get("x-auth-token");
      if (auth) h.set("x-forwarded-auth", auth);
      else if (xAuth) h.set("x-forwarded-auth", `Bearer ${xAuth}`);
    }
    h.set("authorization", `Bearer ${token}`);
  }
  return h;
}

export function originRequest(request: Request, decision: Decision, env: EdgeEnv): OriginRequest {
  const incoming = new URL(request.url);
  const url = originBase(decision.target, env) + incoming.pathname + incoming.search;
  const method = request.method.toUpperCase();
  const init: OriginRequest["init"] = {
    method,
    headers: originHeaders(request, decision, env),
    redirect: "manual",
  };
  if (method !== "GET" && method !== "HEAD") init.body = request.body;
  if (isPublicRead(method, decision)) {
    init.cf = { cacheEverything: true, cacheTags: edgeCacheTags(decision.route) };
  }
  return { url, init };
}
