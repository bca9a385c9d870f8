// The corpus of the demo org's spec-driven engine, generated from the spec itself
// (data/okta/demo-spec.json): every operation `demo serve --list-operations` calls generic is
// sent once with its path params taken from the org (a listed object's id, or one created
// first), its required query params, and a body from the spec's own examples (else made from
// the schema); then error cases: an unknown id, a required query param left out, a body missing
// its required fields. Writes run after reads and deletes last, deepest paths first, so that a
// parent is there while its children are exercised.
//
// A status the spec does not declare for the operation is a known spec gap (reported, not
// failed); a declared status other than the success one is reported as unexpected. Requests
// Prism itself refuses (its 422: an error case the spec forbids sending, or the spec's own
// example breaking its schema), operations the spec allows only with OAuth 2.0, bodies the spec
// takes only as non-JSON, and answers whose schema has a oneOf no value can satisfy are known
// gaps too.

import fs from 'node:fs';

export async function generic({ call, direct, demoSpecPath, specPath, operationsList, known }) {
  const demo = JSON.parse(fs.readFileSync(demoSpecPath, 'utf8'));
  const full = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  const owners = new Map();
  for (const line of fs.readFileSync(operationsList, 'utf8').split('\n')) {
    const [owner, method, path] = line.trim().split(/\s+/);
    if (owner === 'hand' || owner === 'generic') owners.set(`${method} ${path}`, owner);
  }
  const schemas = demo.schemas;
  const ops = demo.operations.filter((op) => owners.get(`${op.method} ${op.path}`) === 'generic');
  const byPath = new Map();
  for (const op of demo.operations) {
    if (!byPath.has(op.path)) byPath.set(op.path, []);
    byPath.get(op.path).push(op);
  }
  const declared = (op) => Object.keys(full.paths?.[op.path]?.[op.method.toLowerCase()]?.responses ?? {});
  const declares = (op, status) => declared(op).some((c) => c === String(status) || c === 'default' || c === `${String(status)[0]}XX`);

  // ---- values from schemas, for bodies without an example: required fields only
  function make(schema, depth = 0) {
    if (!schema || depth > 12) return {};
    if (schema.$ref) return make(schemas[schema.$ref], depth + 1);
    if (schema.discriminator?.mapping && !schema._inAllOf) {
      const [key, target] = Object.entries(schema.discriminator.mapping)[0];
      const v = make({ ...schemas[target], _inAllOf: false }, depth + 1);
      if (v && typeof v === 'object') v[schema.discriminator.propertyName] = key;
      return v;
    }
    if (schema.example !== undefined) return schema.example;
    if (schema.enum) return schema.enum[0];
    if (schema.allOf) {
      let out = {};
      for (const part of schema.allOf) {
        const target = part.$ref ? { ...schemas[part.$ref], _inAllOf: true } : part;
        const v = make(target, depth + 1);
        if (v && typeof v === 'object' && !Array.isArray(v)) out = { ...out, ...v };
        else if (Object.keys(out).length === 0) out = v;
      }
      return out;
    }
    if (schema.oneOf || schema.anyOf) return make((schema.oneOf || schema.anyOf)[0], depth + 1);
    const type = schema.type ?? (schema.properties ? 'object' : undefined);
    switch (type) {
      case 'object': {
        const out = {};
        for (const name of schema.required ?? []) {
          const prop = schema.properties?.[name];
          if (prop && !prop.readOnly) out[name] = make(prop, depth + 1);
        }
        return out;
      }
      case 'array':
        return schema.minItems ? [make(schema.items, depth + 1)] : [];
      case 'integer':
      case 'number':
        return schema.minimum ?? 1;
      case 'boolean':
        return false;
      case 'string':
        if (schema.format === 'date-time') return '2025-01-01T00:00:00.000Z';
        if (schema.format === 'uri' || schema.format === 'url') return 'https://example.com/conformance';
        if (schema.format === 'email') return 'conformance@example.com';
        return 'conformance';
      default:
        return {};
    }
  }

  // The full spec's parameters of an operation (path-level and its own, references resolved).
  const paramsOf = (op) => {
    const item = full.paths?.[op.path] ?? {};
    const all = [...(item.parameters ?? []), ...(item[op.method.toLowerCase()]?.parameters ?? [])];
    return all.map((p) => (p.$ref ? full.components.parameters[p.$ref.split('/').pop()] : p)).filter(Boolean);
  };
  const resolveSchema = (sc) => (sc?.$ref ? full.components.schemas[sc.$ref.split('/').pop()] : sc) ?? {};
  // Operations the spec allows only with OAuth 2.0: the corpus speaks SSWS, so their answers are
  // known gaps rather than violations.
  const oauthOnly = (op) => {
    const sec = full.paths?.[op.path]?.[op.method.toLowerCase()]?.security;
    return Array.isArray(sec) && !sec.some((s) => 'apiToken' in s);
  };

  // A request body the spec takes only as something else than JSON (a CSR, an image).
  const notJson = (op) => {
    const content = full.paths?.[op.path]?.[op.method.toLowerCase()]?.requestBody?.content;
    return content && !Object.keys(content).some((t) => t.includes('json'));
  };

  // Whether a body schema requires a property the client writes.
  function requires(schema, depth = 0) {
    if (!schema || depth > 8) return false;
    if (schema.$ref) return requires(schemas[schema.$ref], depth + 1);
    if ((schema.allOf ?? []).some((p) => requires(p, depth + 1))) return true;
    return (schema.required ?? []).some((name) => {
      const prop = schema.properties?.[name];
      const resolved = prop?.$ref ? schemas[prop.$ref] : prop;
      return prop && !resolved?.readOnly && !prop.readOnly;
    });
  }

  // A oneOf that no value can match exactly once, so Prism refuses every answer: alternatives
  // that all take any object, or that a discriminator alone tells apart (role assignments are
  // StandardRole or CustomRole). A spec gap, as AppUserUpdateRequest is.
  function ambiguousOneOf(schema, depth = 0, seen = new Set()) {
    if (!schema || typeof schema !== 'object' || depth > 10) return false;
    if (schema.$ref) {
      if (seen.has(schema.$ref)) return false;
      seen.add(schema.$ref);
      return ambiguousOneOf(schemas[schema.$ref], depth + 1, seen);
    }
    if (schema.oneOf?.length > 1) {
      const open = (alt) => {
        const a = alt.$ref ? schemas[alt.$ref] : alt;
        const parts = [a, ...(a?.allOf ?? []).map((p) => (p.$ref ? schemas[p.$ref] : p))];
        return parts.every((p) => !p?.required?.length && p?.additionalProperties !== false && !p?.enum);
      };
      if (schema.oneOf.every(open)) return true;
      // A discriminator Prism does not read: the alternatives tell themselves apart only if
      // each restricts the property to its own values (roles: StandardRole and CustomRole both
      // take any RoleType).
      const d = schema.discriminator;
      if (d?.mapping) {
        const enumOf = (sc, n = 0) => {
          const r = sc?.$ref ? schemas[sc.$ref] : sc;
          if (!r || n > 6) return undefined;
          return r.enum ?? (r.allOf ?? []).map((p) => enumOf(p, n + 1)).find(Boolean);
        };
        const loose = schema.oneOf.some((alt) => {
          const name = alt.$ref;
          const a = schemas[name];
          const prop = a?.properties?.[d.propertyName] ?? (a?.allOf ?? []).map((p) => (p.$ref ? schemas[p.$ref] : p)?.properties?.[d.propertyName]).find(Boolean);
          const values = enumOf(prop);
          return !values || values.some((v) => d.mapping[v] && d.mapping[v] !== name);
        });
        if (loose) return true;
      }
    }
    const children = [...Object.values(schema.properties ?? {}), schema.items, ...(schema.allOf ?? []), ...(schema.oneOf ?? [])];
    return children.some((c) => ambiguousOneOf(c, depth + 1, seen));
  }

  // Schemas whose `pattern` the spec's own examples break (TimeDuration's `^P(?:$)…`, a mangled
  // `(?!$)`, admits only "P"; its examples say P30D): answers holding them are known gaps.
  const brokenPatterns = new Set();
  function checkPatterns(schema, value, name, depth = 0) {
    if (!schema || value === undefined || value === null || depth > 16) return;
    if (schema.$ref) return checkPatterns(schemas[schema.$ref], value, schema.$ref, depth + 1);
    if (typeof value === 'string' && schema.pattern) {
      let re;
      try {
        re = new RegExp(schema.pattern);
      } catch {}
      if (re && !re.test(value)) brokenPatterns.add(name);
    }
    for (const part of schema.allOf ?? []) checkPatterns(part, value, name, depth + 1);
    if (Array.isArray(value)) for (const v of value) checkPatterns(schema.items, v, name, depth + 1);
    else if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) checkPatterns(schema.properties?.[k], v, name, depth + 1);
    }
  }
  for (const op of demo.operations) for (const e of op.examples ?? []) checkPatterns(op.response, e, undefined);
  function reachesBrokenPattern(schema, depth = 0, seen = new Set()) {
    if (!schema || typeof schema !== 'object' || depth > 12) return false;
    if (schema.$ref) {
      if (brokenPatterns.has(schema.$ref)) return true;
      if (seen.has(schema.$ref)) return false;
      seen.add(schema.$ref);
      return reachesBrokenPattern(schemas[schema.$ref], depth + 1, seen);
    }
    const children = [...Object.values(schema.properties ?? {}), schema.items, ...(schema.allOf ?? [])];
    return children.some((c) => reachesBrokenPattern(c, depth + 1, seen));
  }
  // A request schema that requires properties it does not have (ProfileMappingRequest requires
  // `expression` and `pushStatus` beside `properties`, which hold them): no body is valid.
  function requiresUndefined(schema, depth = 0) {
    if (!schema || depth > 4) return false;
    if (schema.$ref) return requiresUndefined(schemas[schema.$ref], depth + 1);
    if (schema.allOf || schema.additionalProperties) return false;
    return (schema.required ?? []).some((name) => schema.properties && !(name in schema.properties));
  }
  // Answers Prism cannot hold to the spec because the spec contradicts itself.
  const specContradicts = (op) => ambiguousOneOf(op.response) || reachesBrokenPattern(op.response);
  // Requests the spec admits no body for.
  const noValidBody = (op) => Boolean(op.body) && (ambiguousOneOf(op.body) || requiresUndefined(op.body));

  const bodyOf = (op) => (op.body_examples?.length ? structuredClone(op.body_examples[0]) : op.body ? make(op.body) : undefined);
  const query = (op) => {
    const q = paramsOf(op)
      .filter((p) => p.in === 'query' && p.required)
      .map((p) => {
        const sc = resolveSchema(p.schema);
        const value = sc.enum?.[0] ?? (sc.type === 'integer' || sc.type === 'number' ? sc.minimum ?? 1 : sc.type === 'boolean' ? false : 'conformance');
        return `${encodeURIComponent(p.name)}=${encodeURIComponent(value)}`;
      });
    return q.length ? `?${q.join('&')}` : '';
  };
  // Creates an object with the spec's example body, else (the example refused) one made from the
  // schema.
  async function createAt(create, path) {
    const fromExample = Boolean(create.body_examples?.length);
    const gap = oauthOnly(create) || specContradicts(create) || noValidBody(create);
    let r = await call('POST', path + query(create), { body: bodyOf(create), requestGap: fromExample, gap });
    if (fromExample && (r.requestRejected || exampleRefused(create, path, r))) r = await call('POST', path + query(create), { body: make(create.body), gap });
    return r;
  }
  // The demo's 400 to the spec's own example body where Prism let it pass: the example breaks
  // its own schema in a way Prism does not check (ACCESS_POLICY's `types: ["password"]` against
  // the enum's PASSWORD). A spec gap, with the demo's reason; the caller sends a made body.
  function exampleRefused(op, path, r) {
    if (r.status !== 400 || r.prismError || r.json?.errorCode !== 'E0000001') return false;
    const why = r.json.errorCauses?.[0]?.errorSummary ?? r.json.errorSummary;
    gaps.push({ method: op.method, path, status: 400, message: `the spec's own example breaks its schema: ${why}` });
    return true;
  }
  // What a create made, as the demo answered it (Prism's own error answers hide it).
  const createdKey = async (r, create, path, param) => {
    const list = (byPath.get(create.path) ?? []).find((o) => o.method === 'GET' && o.response);
    // A list of ids (an app's allowed apps) holds the id the create added, not what it answered.
    const ofIds = list?.response?.items?.type === 'string';
    if (r.status >= 200 && r.status < 300 && !r.prismError && !ofIds) return keyOf(r.json, param);
    if (!r.prismError && !ofIds) return undefined;
    const listed = list ? await direct('GET', path + query(list)) : undefined;
    const objects = Array.isArray(listed?.json) ? listed.json : [];
    return keyOf(objects[objects.length - 1], param);
  };
  // A created object's key, or a list's (or wrapped list's) first object's.
  // `param` is the path parameter the key fills: a field of that name is the key (a support
  // case's caseNumber, a grant's grantId).
  const keyOf = (o, param) => {
    if (typeof o === 'string') return o;
    if (!o || typeof o !== 'object') return undefined;
    if (Array.isArray(o)) return keyOf(o[0], param);
    if (param && typeof o[param] === 'string') return o[param];
    // The engine finds an object by its id, kid or name, else by any of its own fields
    // (an OAuth client by its client_id), else by one of an object it holds (primary.name).
    const own = o.id ?? o.kid ?? o.name ?? o.client_id ?? Object.values(o).find((v) => typeof v === 'string');
    if (own !== undefined) return own;
    const list = Object.values(o).find(Array.isArray);
    if (list) return keyOf(list[0], param);
    const held = Object.values(o).find((v) => v && typeof v === 'object');
    return held ? keyOf(held, param) : undefined;
  };

  // ---- path params: a listed object's key, one created, or what the hand-made org has
  const values = new Map();
  async function valueAt(templatePrefix, concretePrefix, param) {
    if (values.has(concretePrefix)) return values.get(concretePrefix);

    let value;
    for (const [prefix, v] of Object.entries(known)) if (concretePrefix === prefix) value = v;
    if (value === undefined) {
      const list = (byPath.get(templatePrefix) ?? []).find((o) => o.method === 'GET' && o.response);
      if (list) {
        // Straight from the demo: setting up is not what is checked here. A list, or a list
        // wrapped in an object ({"grants": [...]}).
        const r = await direct('GET', concretePrefix + query(list));
        const listed = Array.isArray(r.json) ? r.json : Object.values(r.json ?? {}).find(Array.isArray);
        if (r.status < 300 && listed) value = keyOf(listed, param);
      }
      const create = (byPath.get(templatePrefix) ?? []).find((o) => o.method === 'POST');
      if (value === undefined && create) {
        value = await createdKey(await createAt(create, concretePrefix), create, concretePrefix, param);
      }
    }
    value ??= 'default';
    values.set(concretePrefix, value);
    return value;
  }
  // The objects a list answers at a concrete path (a wrapped list's items too).
  async function listedAt(templatePrefix, concretePrefix) {
    const list = (byPath.get(templatePrefix) ?? []).find((o) => o.method === 'GET' && o.response);
    if (!list) return [];
    const r = await direct('GET', concretePrefix + query(list));
    return Array.isArray(r.json) ? r.json : Object.values(r.json ?? {}).find(Array.isArray) ?? [];
  }
  // A path param with an enum: a value an object listed above it has (`hit`), else the first.
  async function enumValue(op, name, templatePrefix, concretePrefix) {
    const allowed = resolveSchema(paramsOf(op).find((p) => p.in === 'path' && p.name === name)?.schema).enum;
    if (!allowed) return undefined;
    for (const o of await listedAt(templatePrefix, concretePrefix)) {
      const hit = Object.values(o ?? {}).find((v) => allowed.includes(v));
      if (hit !== undefined) return { value: hit, hit: true };
    }
    return { value: allowed[0], hit: false };
  }
  async function concrete(template, op) {
    const segs = template.split('/').slice(1);
    let t = '';
    let c = '';
    // The last id filled in: where its collection is, and where the path goes on after it.
    let parent;
    for (const s of segs) {
      const chosen = s.startsWith('{') && op ? await enumValue(op, s.slice(1, -1), t, c) : undefined;
      if (chosen !== undefined) {
        let { value } = chosen;
        if (!chosen.hit && parent) {
          // No object under the chosen parent has the value (an email authenticator has no
          // webauthn method): another object of the parent's collection may (the first ten
          // are asked: a list of users is long).
          const rest = c.slice(parent.end);
          for (const other of (await listedAt(parent.t, parent.c)).slice(0, 10)) {
            const key = keyOf(other, parent.name);
            if (key === undefined) continue;
            const below = parent.c + '/' + encodeURIComponent(key) + rest;
            const found = await enumValue(op, s.slice(1, -1), t, below);
            if (found.hit) {
              c = below;
              value = found.value;
              break;
            }
          }
        }
        c += '/' + encodeURIComponent(value);
      } else if (s.startsWith('{')) {
        const name = s.slice(1, -1);
        const key = encodeURIComponent(await valueAt(t, c, name));
        parent = { t, c, name, end: c.length + 1 + key.length };
        c += '/' + key;
      } else {
        c += '/' + s;
      }
      t += '/' + s;
    }
    return c;
  }

  const covered = new Set();
  const unexpected = [];
  const gaps = [];
  async function send(op, path, opts, expect) {
    const gap = !declares(op, expect) || oauthOnly(op) || notJson(op) || specContradicts(op) || noValidBody(op);
    let r = await call(op.method, path, { ...opts, gap, requestGap: opts.fromExample || opts.invalid });
    if (opts.fromExample && op.body && expect !== 400 && (r.requestRejected || exampleRefused(op, path, r))) {
      // The spec's own example is invalid against its schema (a known spec gap, reported as
      // such): send a body made from the schema instead.
      r = await call(op.method, path, { ...opts, body: make(op.body), gap });
    }
    if (r.status === expect) covered.add(`${op.method} ${op.path}`);
    else if (r.prismError) {
      // Reported by the caller as a violation already.
    } else if (declares(op, r.status)) {
      unexpected.push({ method: op.method, path, status: r.status, expected: expect, body: JSON.stringify(r.json)?.slice(0, 300) });
    } else {
      gaps.push({ method: op.method, path, status: r.status, message: `the spec does not declare ${r.status} (${JSON.stringify(r.json)?.slice(0, 200)})` });
    }
    return r;
  }

  const rank = (op) => {
    if (op.method === 'DELETE') return 4;
    if (/\/(deactivate|lifecycle\/deactivate)$/.test(op.path)) return 3;
    if (op.method === 'GET') return 0;
    return /\/(activate|lifecycle\/[^/]+)$/.test(op.path) ? 2 : 1;
  };
  const ordered = [...ops].sort((a, b) => rank(a) - rank(b) || (rank(a) === 4 ? b.path.length - a.path.length : 0));

  for (const op of ordered) {
    const path = await concrete(op.path, op);
    const opts = {};
    if (['POST', 'PUT', 'PATCH'].includes(op.method) && op.body) {
      opts.body = bodyOf(op) ?? {};
      opts.fromExample = Boolean(op.body_examples?.length);
    }
    if (op.method === 'DELETE' && op.path.endsWith('}')) {
      // Delete an object made for it, where the collection creates, not the one others use.
      const parent = op.path.slice(0, op.path.lastIndexOf('/'));
      const create = (byPath.get(parent) ?? []).find((o) => o.method === 'POST');
      if (create) {
        const parentPath = path.slice(0, path.lastIndexOf('/'));
        const param = op.path.slice(op.path.lastIndexOf('/{') + 2, -1);
        const key = await createdKey(await createAt(create, parentPath), create, parentPath, param);
        if (key !== undefined) {
          const made = `${parentPath}/${encodeURIComponent(key)}`;
          // "You can only delete an inactive key": deactivated first, by its lifecycle operation
          // or, where it has none (a group push mapping), by an update of its status.
          if (op.deletes_only_inactive) {
            const deactivate = (byPath.get(`${op.path}/lifecycle/deactivate`) ?? []).find((o) => o.method === 'POST');
            const update = (byPath.get(op.path) ?? []).find((o) => ['PATCH', 'PUT', 'POST'].includes(o.method));
            if (deactivate) await direct('POST', `${made}/lifecycle/deactivate`);
            else if (update) await direct(update.method, made, { status: 'INACTIVE' });
          }
          await send(op, `${made}${query(op)}`, opts, op.status);
          continue;
        }
      }
    }
    await send(op, path + query(op), opts, op.status);
  }

  // ---- error cases
  for (const op of ops) {
    if (op.method === 'GET' && op.path.endsWith('}') && byPath.get(op.path.slice(0, op.path.lastIndexOf('/')))?.some((o) => o.method === 'GET' && o.response?.type === 'array')) {
      const path = await concrete(op.path, op);
      await send(op, path.slice(0, path.lastIndexOf('/')) + '/notanobject0000000000', { invalid: true }, 404);
    }
    if (op.method === 'GET' && (op.query ?? []).some((p) => p.required)) {
      await send(op, await concrete(op.path, op), { invalid: true }, 400);
    }
    if (op.method === 'POST' && op.body && !op.path.endsWith('}') && requires(op.body)) {
      await send(op, (await concrete(op.path, op)) + query(op), { body: {}, invalid: true }, 400);
    }
  }
  return { covered, unexpected, gaps, generic: ops.length };
}
