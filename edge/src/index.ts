// WigHaven edge gateway: the Cloudflare Worker in front of both backends
// during the migration. Routing is in route_table.ts, the header and cache
// policy in origin_request.ts, the deployment in docs/cloudflare.md.
//
//   fetch      → the C++ origin (CPP_ORIGIN) for the routes it implements
//                under MIGRATED_PREFIXES, the legacy backend (LEGACY_ORIGIN)
//                for everything else; each response says which in
//                x-edge-origin. WebSocket upgrades pass through.
//   scheduled  → GET /gateway-health on both origins, so that Hugging Face
//                Spaces do not fall asleep (the old gateway's cron did this).
import { decide, GATEWAY_HEALTH, parsePrefixes, type Decision } from "./route_table";
import { originRequest, type EdgeEnv } from "./origin_request";

function badGateway(target: string, error: unknown): Response {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`origin ${target} unreachable: ${message}`);
  const body = {
    success: false,
    error: { type: "BadGateway", message: "The origin could not be reached" },
  };
  return new Response(JSON.stringify(body), {
    status: 502,
    headers: { "content-type": "application/json; charset=utf-8", "x-edge-origin": target, "cache-control": "no-store" },
  });
}

async function forward(request: Request, decision: Decision, env: EdgeEnv): Promise<Response> {
  const { url, init } = originRequest(request, decision, env);
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    return badGateway(decision.target, error);
  }
  if (response.status === 101 || response.webSocket) return response;
  const out = new Response(response.body, response);
  out.headers.set("x-edge-origin", decision.target);
  return out;
}

async function keepAwake(env: EdgeEnv): Promise<void> {
  const targets = ["cpp", "legacy"] as const;
  await Promise.all(
    targets.map(async (target) => {
      const probe = new Request(`https://edge.invalid${GATEWAY_HEALTH}`);
      const response = await forward(probe, { target, route: null }, env);
      console.log(`keep-awake ${target}: ${response.status}`);
    }),
  );
}

export default {
  async fetch(request: Request, env: EdgeEnv): Promise<Response> {
    return forward(request, decide(request, parsePrefixes(env.MIGRATED_PREFIXES)), env);
  },
  async scheduled(_event: ScheduledController, env: EdgeEnv, ctx: ExecutionContext): Promise<void> {
    ctx.waitUntil(keepAwake(env));
  },
} satisfies ExportedHandler<EdgeEnv>;
