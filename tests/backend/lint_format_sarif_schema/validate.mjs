// Validates SARIF files against the SARIF 2.1.0 schema: node validate.mjs FILE...
// Prints one line per file and exits 1 when any file is invalid.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const Ajv = require("ajv");
const schemaPath = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));

// The schema is draft-04 (it names itself with "id").
const ajv = new Ajv({ schemaId: "id", allErrors: true });
ajv.addMetaSchema(require("ajv/lib/refs/json-schema-draft-04.json"));
const validate = ajv.compile(schema);

let failed = 0;
for (const file of process.argv.slice(2)) {
  const log = JSON.parse(readFileSync(file, "utf8"));
  if (validate(log)) {
    console.log(`valid SARIF 2.1.0: ${file}`);
  } else {
    failed++;
    console.log(`INVALID SARIF: ${file}`);
    for (const e of validate.errors) console.log(`  ${e.dataPath || "/"} ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
