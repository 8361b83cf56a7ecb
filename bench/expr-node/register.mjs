// Registers json-loader.mjs before the benchmark imports @actions/expressions.
import { register } from "node:module";
register("./json-loader.mjs", import.meta.url);
