// Writes Okta's spec without its `example`/`examples` entries (as JSON): Prism 5.14.2 refuses the
// spec as published because one example holds a `$ref` that points nowhere, and the check needs
// only the schemas. Usage: node strip-examples.cjs IN.yaml OUT.json
const fs = require('fs');
const yaml = require('js-yaml');

const [input, output] = process.argv.slice(2);
const spec = yaml.load(fs.readFileSync(input, 'utf8'));
let removed = 0;
function strip(node, parentKey) {
  if (Array.isArray(node)) return node.map((n) => strip(n, null));
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node)) {
      // `properties.example` would be a property named "example", not an example.
      if ((k === 'example' || k === 'examples') && parentKey !== 'properties') {
        removed++;
        continue;
      }
      out[k] = strip(v, k);
    }
    return out;
  }
  return node;
}
const stripped = strip(spec, null);
fs.writeFileSync(output, JSON.stringify(stripped));
console.error(`stripped ${removed} example entries -> ${output}`);
