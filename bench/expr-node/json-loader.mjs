// Module-loader hook: serves `file:*.json` imports as `export default <json>`, since
// @actions/expressions imports JSON without an import attribute (Node 20 rejects that).
import { readFile } from "node:fs/promises";

export async function load(url, context, nextLoad) {
  if (url.startsWith("file:") && url.endsWith(".json")) {
    const text = await readFile(new URL(url), "utf8");
    return { format: "module", source: `export default ${text};`, shortCircuit: true };
  }
  return nextLoad(url, context);
}
