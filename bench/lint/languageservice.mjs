// Validates every file named on stdin (one path a line) with GitHub's own
// `@actions/languageservice` (the validation behind the VS Code extension) in this
// one Node process, and prints the wall time. No action metadata or repository
// context is given (the extension fetches those from GitHub's API), so this is
// the offline part of its validation: schema, expressions and contexts.
//
// Output: one JSON line {"files":N,"failed":F,"findings":K,"seconds":S}.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { validate } from "@actions/languageservice";
import { TextDocument } from "vscode-languageserver-textdocument";

const files = readFileSync(0, "utf8").split("\n").filter((l) => l.length > 0);
const started = process.hrtime.bigint();
let failed = 0;
let findings = 0;
for (const f of files) {
  const doc = TextDocument.create(pathToFileURL(f).toString(), "yaml", 1, readFileSync(f, "utf8"));
  try {
    findings += (await validate(doc)).length;
  } catch (e) {
    ++failed;
  }
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
console.log(JSON.stringify({ files: files.length, failed, findings, seconds }));
