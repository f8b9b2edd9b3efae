// Regenerates src/routes.json from the server's route table:
//   npm run routes [-- /path/to/wighaven]
// (default: $WH_TEST_BINARY, else ../build/test/wighaven, else ../build/release/wighaven).
// test/routes.test.mjs fails while the committed file differs from the binary.
import { execFileSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const candidates = [process.argv[2], process.env.WH_TEST_BINARY, `${root}../build/test/wighaven`, `${root}../build/release/wighaven`];
const binary = candidates.find((b) => b && existsSync(b));
if (!binary) {
  console.error("no wighaven binary found: build it (./run.sh or ./test.sh) or pass its path");
  process.exit(2);
}
const json = execFileSync(binary, ["routes"], { encoding: "utf8" });
JSON.parse(json); // refuse to write anything that is not JSON
writeFileSync(`${root}src/routes.json`, json);
console.log(`src/routes.json: ${JSON.parse(json).length} routes from ${binary}`);
