// Stand-in for act's "Hello World" JavaScript action (its bundled dist/index.js is not in
// the conformance data): greets the input and sets the `time` output.
const fs = require('fs');
const who = process.env['INPUT_WHO-TO-GREET'] || 'World';
console.log(`Hello ${who}!`);
fs.appendFileSync(process.env.GITHUB_OUTPUT, `time=${new Date().toTimeString()}\n`);
