// Which origin answers a request. The C++ origin answers exactly the
// method + pattern pairs of its route table (routes.json, the output of
// `wighaven routes`, checked against the binary by test/routes.test.mjs) that
// lie under a migrated prefix; everything else goes to the legacy backend.
// Matching is the server's own (src/web/router.cc): decoded non-empty path
// segments, `:name` captures one segment, the route with more literal
// segments wins, HEAD is served by GET routes.
import table from "./routes.json";

export interface RouteEntry {
  method: string;
  pattern: string;
  public: boolean; // has a cache plan: the response does not depend on the caller
  cache: string | null; // the server's cache instance for public routes
}

export type Target = "cpp" | "legacy";

export interface Decision {
  target: Target;
  route: RouteEntry | null; // the C++ route, when target is "cpp" by the table
}

interface Compiled {
  entry: RouteEntry;
  segments: string[];
  literals: number;
}

export const ROUTES: readonly RouteEntry[] = table;

// The old gateway's keep-alive path: always the C++ origin, which answers it.
export const GATEWAY_HEALTH = "/gateway-health";

export function pathSegments(path: string): string[] {
  return path
    .split("/")
    .filter((s) => s !== "")
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
}

// Most literal segments first; Array.prototype.sort is stable, as is the server's.
const COMPILED: Compiled[] = ROUTES.map((entry) => {
  const segments = pathSegments(entry.pattern);
  return { entry, segments, literals: segments.filter((s) => !s.startsWith(":")).length };
}).sort((a, b) => b.literals - a.literals);

function segmentsMatch(pattern: string[], path: string[]): boolean {
  if (pattern.length !== path.length) return false;
  return pattern.every((p, i) => p.startsWith(":") || p === path[i]);
}

// The route the C++ server would run for `method` on `path`, or null. For a
// CORS preflight the method is the one it asks about; a bare OPTIONS matches
// any method.
export function matchRoute(method: string, path: string): RouteEntry | null {
  const segs = pathSegments(path);
  const wanted = method === "HEAD" ? "GET" : method;
  for (const r of COMPILED) {
    if (wanted !== "OPTIONS" && r.entry.method !== wanted) continue;
    if (segmentsMatch(r.segments, segs)) return r.entry;
  }
  return null;
}

// MIGRATED_PREFIXES: comma-separated path prefixes, by whole segments
// ("/api/products" covers "/api/products/:id", not "/api/productsx"); "/"
// (the default) is everything the server implements, "none" is nothing.
export function parsePrefixes(value: string | undefined): string[][] {
  const text = value === undefined || value.trim() === "" ? "/" : value;
  if (text.trim() === "none") return [];
  return text
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map(pathSegments);
}

function underPrefix(route: RouteEntry, prefixes: string[][]): boolean {
  const segs = pathSegments(route.pattern);
  return prefixes.some((p) => p.length <= segs.length && p.every((s, i) => s === segs[i]));
}

export function decide(request: Request, prefixes: string[][]): Decision {
  const path = new URL(request.url).pathname;
  if (path === GATEWAY_HEALTH) return { target: "cpp", route: null };
  let method = request.method.toUpperCase();
  if (method === "OPTIONS") method = request.headers.get("access-control-request-method")?.toUpperCase() ?? "OPTIONS";
  const route = matchRoute(method, path);
  if (route && underPrefix(route, prefixes)) return { target: "cpp", route };
  return { target: "legacy", route: null };
}
