'use strict';
// Checks real responses (and WebSocket frames) captured by openapi_e2etest.cpp against
// resources/openapi.yaml, so the document cannot drift from the code:
//   node check_responses.cjs <openapi.yaml> <samples.json>
// Each sample is {name, method, path (the document's path template), status, contentType,
// body} for an HTTP answer, or {name, schema, body} for a value of a components schema.
// Fails (exit 1) when an operation or status is not documented, when a content type differs,
// when a JSON body does not match its schema (the schemas forbid unknown properties, so every
// field must be declared), or when a documented operation has no sample at all.
// Modules come from NODE_PATH (the build's npm packages, resources/web/package.json).
const fs = require('fs');
const yaml = require('js-yaml');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const [docPath, samplesPath] = process.argv.slice(2);
if (!docPath || !samplesPath) {
  console.error('usage: node check_responses.cjs <openapi.yaml> <samples.json>');
  process.exit(2);
}
const doc = yaml.load(fs.readFileSync(docPath, 'utf8'));
const samples = JSON.parse(fs.readFileSync(samplesPath, 'utf8')).samples;

const ajv = new Ajv({strict: false, allErrors: true, validateSchema: false});
addFormats(ajv);
ajv.addSchema(doc, 'openapi');

const escape = (segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
function lookup(ref) {
  let node = doc;
  for (const part of ref.replace(/^#\//, '').split('/')) {
    node = node[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`unresolvable $ref ${ref}`);
  }
  return node;
}

const failures = [];
const covered = new Set();
const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function validate(name, pointer, body) {
  const check = ajv.getSchema(`openapi${pointer}`);
  if (!check) {
    failures.push(`${name}: no schema at ${pointer}`);
  } else if (!check(body)) {
    const errors = check.errors.map((e) => `${e.instancePath || '(body)'} ${e.message}` +
                                           (e.params && e.params.additionalProperty
                                                ? ` (${e.params.additionalProperty})` : ''));
    failures.push(`${name}: does not match ${pointer}:\n    ${errors.join('\n    ')}\n    ` +
                  `body: ${JSON.stringify(body)}`);
  }
}

for (const sample of samples) {
  if (sample.schema) {
    if (!doc.components.schemas[sample.schema]) {
      failures.push(`${sample.name}: no schema ${sample.schema} in the document`);
      continue;
    }
    covered.add(`schema ${sample.schema}`);
    validate(sample.name, `#/components/schemas/${escape(sample.schema)}`, sample.body);
    continue;
  }
  const operation = doc.paths[sample.path] && doc.paths[sample.path][sample.method];
  if (!operation) {
    failures.push(`${sample.name}: ${sample.method.toUpperCase()} ${sample.path} is not in the document`);
    continue;
  }
  covered.add(`${sample.method} ${sample.path}`);
  const status = String(sample.status);
  let key = [status, `${status[0]}XX`, 'default'].find((k) => operation.responses[k]);
  if (!key) {
    failures.push(`${sample.name}: status ${status} is not documented for ` +
                  `${sample.method.toUpperCase()} ${sample.path}`);
    continue;
  }
  let pointer = `#/paths/${escape(sample.path)}/${sample.method}/responses/${key}`;
  let response = operation.responses[key];
  while (response.$ref) {
    pointer = response.$ref;
    response = lookup(response.$ref);
  }
  const mediaType = (sample.contentType || '').split(';')[0].trim().toLowerCase();
  if (!response.content) {
    if (mediaType && sample.status !== 101) {
      failures.push(`${sample.name}: answered ${mediaType} where the document declares no body`);
    }
    continue;
  }
  if (!response.content[mediaType]) {
    failures.push(`${sample.name}: content type ${mediaType || '(none)'} is not documented ` +
                  `(${Object.keys(response.content).join(', ')})`);
    continue;
  }
  if (mediaType === 'application/json') {
    validate(sample.name, `${pointer}/content/${escape(mediaType)}/schema`, sample.body);
  }
}

for (const [path, item] of Object.entries(doc.paths)) {
  for (const method of methods.filter((m) => item[m])) {
    if (!covered.has(`${method} ${path}`)) {
      failures.push(`${method.toUpperCase()} ${path} is documented but was never exercised`);
    }
  }
}

console.log(`${samples.length} samples checked against ${docPath}`);
if (failures.length > 0) {
  console.log(`${failures.length} problem(s):\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log('every sample matches the document');
