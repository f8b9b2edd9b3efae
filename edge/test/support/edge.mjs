// The Worker (dist/worker.js, built by `npm run build`) in miniflare.
import { Miniflare } from "miniflare";
import { fileURLToPath } from "node:url";

export const workerPath = fileURLToPath(new URL("../../dist/worker.js", import.meta.url));

export function startEdge(bindings) {
  return new Miniflare({
    modules: true,
    scriptPath: workerPath,
    compatibilityDate: "2025-07-01",
    bindings,
  });
}
