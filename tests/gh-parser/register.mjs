// Registers json-loader.mjs; pass with `node --import ./register.mjs`.
import { register } from "node:module";
register("./json-loader.mjs", import.meta.url);
