// Sends a corpus of requests covering every endpoint the demo org serves (success and error
// cases) through `prism proxy --errors`, and counts what Prism reports: violations in the
// `sl-violations` header, and Prism's own error answers (problem+json).
//
// Cases Okta answers in ways the spec does not declare (401 on every operation, 400 for a bad
// search on list endpoints, malformed bodies) are sent too, but reported apart as known spec gaps.
//
// Environment: PRISM_URL, OKTA_TOKEN, OKTA_READONLY_TOKEN.

import fs from 'node:fs';
import { generic } from './generic.mjs';

const base = process.env.PRISM_URL;
const token = process.env.OKTA_TOKEN;
const readonly = process.env.OKTA_READONLY_TOKEN;

// The hand-made operations (`demo serve --list-operations`), to count which ones the corpus
// saw answer with success: a request path matches a template, a literal beating a parameter.
const handOps = fs
  .readFileSync(process.env.OPERATIONS_LIST, 'utf8')
  .split('\n')
  .map((line) => line.trim().split(/\s+/))
  .filter(([owner]) => owner === 'hand')
  .map(([, method, template]) => ({
    method,
    template,
    params: (template.match(/\{/g) ?? []).length,
    re: new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$'),
  }));
const handCovered = new Set();
function coverHand(method, url, status) {
  if (status < 200 || status >= 300) return;
  const path = new URL(url).pathname;
  const hits = handOps.filter((o) => o.method === method && o.re.test(path)).sort((a, b) => a.params - b.params);
  if (hits.length) handCovered.add(`${method} ${hits[0].template}`);
}

let requests = 0;
const violations = [];
const gaps = [];
// What Prism finds in the spec-driven engine's answers: counted apart, failing the run as the
// hand-made operations' do.
const genericViolations = [];
const unexpected = [];

async function call(method, path, opts = {}) {
  requests++;
  const headers = { Accept: 'application/json', Authorization: `SSWS ${opts.token ?? token}` };
  let body;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  }
  const url = path.startsWith('http') ? path.replace(/^https?:\/\/[^/]+/, base) : base + path;
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  const found = [];
  const sl = res.headers.get('sl-violations');
  if (sl) {
    for (const v of JSON.parse(sl)) found.push(v);
  }
  const type = res.headers.get('content-type') || '';
  const prismError = type.includes('problem+json') || (json && typeof json.type === 'string' && json.type.includes('stoplight.io/prism'));
  if (prismError) found.push({ severity: 'Error', message: text.slice(0, 800) });
  // A request Prism refuses (its 422) is the corpus's doing, or the spec's own example breaking
  // its schema where the caller says so (requestGap).
  const requestRejected = prismError && text.includes('UNPROCESSABLE_ENTITY');
  const list = opts.gap || (opts.requestGap && requestRejected) ? gaps : opts.generic ? genericViolations : violations;
  for (const v of found) list.push({ method, path, status: res.status, ...v });
  if (!opts.generic && !prismError) coverHand(method, url, res.status);
  if (opts.expect && res.status !== opts.expect && !prismError) {
    unexpected.push({ method, path, status: res.status, expected: opts.expect, body: text.slice(0, 300) });
  }
  const links = {};
  for (const l of (res.headers.get('link') || '').split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(l);
    if (m) links[m[2]] = m[1];
  }
  return { status: res.status, json, links, prismError, requestRejected };
}

const get = (p, o) => call('GET', p, o);
const post = (p, body, o = {}) => call('POST', p, { ...o, body });
const put = (p, body, o = {}) => call('PUT', p, { ...o, body });
const del = (p, o) => call('DELETE', p, o);
const enc = encodeURIComponent;

async function pages(path, max = 5) {
  let r = await get(path, { expect: 200 });
  for (let i = 0; i < max && r.links.next; i++) r = await get(r.links.next, { expect: 200 });
}

const profile = (login) => ({ firstName: 'Conform', lastName: 'Ance', email: login, login });

// ---- users
await pages('/api/v1/users');
await pages('/api/v1/users?limit=5');
await get('/api/v1/users?q=ann', { expect: 200 });
await get('/api/v1/users?q=a&limit=3', { expect: 200 });
await pages(`/api/v1/users?filter=${enc('status eq "ACTIVE"')}&limit=50`);
await get(`/api/v1/users?filter=${enc('lastUpdated gt "2023-06-01T00:00:00.000Z" and (status eq "LOCKED_OUT" or status eq "RECOVERY")')}`, { expect: 200 });
await pages(`/api/v1/users?search=${enc('profile.department eq "Engineering" and (created lt "2024-01-01T00:00:00.000Z" or status eq "ACTIVE")')}&limit=20`);
await pages(`/api/v1/users?search=${enc('status eq "DEPROVISIONED"')}&sortBy=profile.lastName&sortOrder=desc&limit=5`);
await get(`/api/v1/users?search=${enc('profile.email co "lee"')}`, { expect: 200 });
const me = (await get('/api/v1/users/me', { expect: 200 })).json;
await get(`/api/v1/users/${me.id}`, { expect: 200 });
await get(`/api/v1/users/${enc('admin@example.com')}`, { expect: 200 });
await get('/api/v1/users/admin', { expect: 200 });
await get(`/api/v1/users/${enc('nobody@example.com')}`, { expect: 404 });
await get(`/api/v1/users/${me.id}/groups`, { expect: 200 });
await get('/api/v1/users/00unotauser000000000/groups', { expect: 404 });

const staged = (await post('/api/v1/users?activate=false', { profile: profile('c.staged@example.com') }, { expect: 200 })).json;
const provisioned = (await post('/api/v1/users', { profile: profile('c.prov@example.com') }, { expect: 200 })).json;
const active = (await post('/api/v1/users?activate=true', { profile: profile('c.active@example.com'), credentials: { password: { value: 'Sup3rSecret!' }, recovery_question: { question: 'Favourite colour?', answer: 'turquoise' } } }, { expect: 200 })).json;
await post('/api/v1/users?activate=true&nextLogin=changePassword', { profile: profile('c.expired@example.com'), credentials: { password: { value: 'Sup3rSecret!' } } }, { expect: 200 });
await post('/api/v1/users', { profile: profile('C.ACTIVE@example.com') }, { expect: 400 });
await post('/api/v1/users?activate=false&nextLogin=changePassword', { profile: profile('c.x@example.com'), credentials: { password: { value: 'Sup3rSecret!' } } }, { expect: 400 });
const groups = (await get('/api/v1/groups?q=Contractors', { expect: 200 })).json;
await post('/api/v1/users?activate=false', { profile: profile('c.grp@example.com'), groupIds: [groups?.[0]?.id] }, { expect: 200 });
await post('/api/v1/users', { profile: profile('c.many@example.com'), groupIds: Array(21).fill(groups?.[0]?.id) }, { expect: 400 });
await post('/api/v1/users', { profile: { login: 'c.missing@example.com' } }, { expect: 400 });

await post(`/api/v1/users/${active.id}`, { profile: { title: 'Conformance Tester' } }, { expect: 200 });
await put(`/api/v1/users/${active.id}`, { profile: profile('c.active@example.com') }, { expect: 200 });
await put(`/api/v1/users/${active.id}`, { profile: { firstName: 'Only' } }, { expect: 400 });
await post('/api/v1/users/00unotauser000000000', { profile: { title: 'x' } }, { expect: 404 });

const lc = (id, op, q = '') => `/api/v1/users/${id}/lifecycle/${op}${q}`;
await post(lc(staged.id, 'suspend'), undefined, { expect: 400 });
await post(lc(staged.id, 'unlock'), undefined, { expect: 403 });
await post(lc(staged.id, 'activate', '?sendEmail=false'), undefined, { expect: 200 });
await post(lc(staged.id, 'activate'), undefined, { expect: 403 });
await post(lc(active.id, 'suspend'), undefined, { expect: 200 });
await post(lc(active.id, 'suspend'), undefined, { expect: 400 });
await post(lc(active.id, 'unsuspend'), undefined, { expect: 200 });
await post(lc(active.id, 'unsuspend'), undefined, { expect: 400 });
await post(lc(active.id, 'reset_password', '?sendEmail=false'), undefined, { expect: 200 });
await post(lc(active.id, 'expire_password'), undefined, { expect: 200 });
await post(lc(active.id, 'expire_password_with_temp_password'), undefined, { expect: 200 });
await post(lc(active.id, 'unlock'), undefined, { expect: 403 });
await post(lc(provisioned.id, 'reactivate', '?sendEmail=false'), undefined, { expect: 200 });
await post(lc(me.id, 'reactivate'), undefined, { expect: 403 });
await post(lc(active.id, 'deactivate'), undefined, { expect: 200 });
await post(lc(active.id, 'deactivate'), undefined, { expect: 403 });
await post(lc('00unotauser000000000', 'suspend'), undefined, { expect: 404 });
const locked = (await get(`/api/v1/users?filter=${enc('status eq "LOCKED_OUT"')}&limit=1`, { expect: 200 })).json;
await post(lc(locked?.[0]?.id, 'unlock'), undefined, { expect: 200 });

await del(`/api/v1/users/${provisioned.id}`, { expect: 204 });
await del(`/api/v1/users/${provisioned.id}`, { expect: 204 });
await get(`/api/v1/users/${provisioned.id}`, { expect: 404 });
await del('/api/v1/users/00unotauser000000000', { expect: 404 });

// ---- groups
await pages('/api/v1/groups');
await pages('/api/v1/groups?limit=3');
await get('/api/v1/groups?q=Eng', { expect: 200 });
await get(`/api/v1/groups?search=${enc('type eq "OKTA_GROUP" and profile.name sw "S"')}`, { expect: 200 });
await get(`/api/v1/groups?filter=${enc('type eq "BUILT_IN"')}`, { expect: 200 });
await get('/api/v1/groups?expand=stats&limit=2', { expect: 200 });
const g = (await post('/api/v1/groups', { profile: { name: 'Conformance', description: 'Made by the corpus' } }, { expect: 200 })).json;
await post('/api/v1/groups', { profile: { name: 'conformance' } }, { expect: 400 });
await get(`/api/v1/groups/${g.id}`, { expect: 200 });
await get('/api/v1/groups/00gnotagroup00000000', { expect: 404 });
await put(`/api/v1/groups/${g.id}`, { profile: { name: 'Conformance 2', description: 'Renamed' } }, { expect: 200 });
await put(`/api/v1/groups/${g.id}/users/${me.id}`, undefined, { expect: 204 });
await pages(`/api/v1/groups/${g.id}/users`);
const everyone = (await get('/api/v1/groups?q=Everyone', { expect: 200 })).json?.[0] ?? {};
await pages(`/api/v1/groups/${everyone.id}/users?limit=100`);
await get(`/api/v1/groups/${everyone.id}/apps`, { expect: 200 });
await del(`/api/v1/groups/${g.id}/users/${me.id}`, { expect: 204 });
await put(`/api/v1/groups/${g.id}/users/00unotauser000000000`, undefined, { expect: 404 });
await del(`/api/v1/groups/${everyone.id}`, { expect: 403 });
await put(`/api/v1/groups/${everyone.id}/users/${me.id}`, undefined, { expect: 403 });

// ---- apps
await pages('/api/v1/apps');
await pages('/api/v1/apps?limit=3');
await get('/api/v1/apps?q=stat', { expect: 200 });
await get(`/api/v1/apps?filter=${enc('status eq "ACTIVE"')}`, { expect: 200 });
await get(`/api/v1/apps?filter=${enc(`user.id eq "${me.id}"`)}`, { expect: 200 });
await get(`/api/v1/apps?filter=${enc(`group.id eq "${everyone.id}"`)}`, { expect: 200 });
const app = (await post('/api/v1/apps', { name: 'bookmark', label: 'Conformance Link', signOnMode: 'BOOKMARK', settings: { app: { requestIntegration: false, url: 'https://example.com/conformance' } } }, { expect: 200 })).json;
await post('/api/v1/apps?activate=false', { name: 'bookmark', label: 'Inactive Link', signOnMode: 'BOOKMARK', settings: { app: { url: 'https://example.com/inactive' } } }, { expect: 200 });
await post('/api/v1/apps', { name: 'bookmark', label: 'No URL', signOnMode: 'BOOKMARK', settings: { app: { url: '' } } }, { expect: 400 });
await get(`/api/v1/apps/${app.id}`, { expect: 200 });
await get('/api/v1/apps/0oanotanapp000000000', { expect: 404 });
await put(`/api/v1/apps/${app.id}`, { name: 'bookmark', label: 'Conformance Link 2', signOnMode: 'BOOKMARK', settings: { app: { url: 'https://example.com/c2' } } }, { expect: 200 });
await post(`/api/v1/apps/${app.id}/users`, { id: me.id, scope: 'USER', credentials: { userName: 'admin@example.com' } }, { expect: 200 });
await pages(`/api/v1/apps/${app.id}/users`);
await get(`/api/v1/apps/${app.id}/users/${me.id}`, { expect: 200 });
await del(`/api/v1/apps/${app.id}/users/${me.id}`, { expect: 204 });
await get(`/api/v1/apps/${app.id}/users/${me.id}`, { expect: 404 });
await put(`/api/v1/apps/${app.id}/groups/${everyone.id}`, {}, { expect: 200 });
await pages(`/api/v1/apps/${app.id}/groups`);
await get(`/api/v1/apps/${app.id}/groups/${everyone.id}`, { expect: 200 });
await pages(`/api/v1/apps/${app.id}/users?limit=100`, 2);
await del(`/api/v1/apps/${app.id}/groups/${everyone.id}`, { expect: 204 });
await get(`/api/v1/apps/${app.id}/groups/${everyone.id}`, { expect: 404 });
await del(`/api/v1/apps/${app.id}`, { expect: 403 });
await post(`/api/v1/apps/${app.id}/lifecycle/deactivate`, undefined, { expect: 200 });
await post(`/api/v1/apps/${app.id}/lifecycle/activate`, undefined, { expect: 200 });
await post(`/api/v1/apps/${app.id}/lifecycle/deactivate`, undefined, { expect: 200 });
await del(`/api/v1/apps/${app.id}`, { expect: 204 });
await del(`/api/v1/groups/${g.id}`, { expect: 204 });

// ---- group rules
const ruleGroup = (await post('/api/v1/groups', { profile: { name: 'Conformance rule group' } }, { expect: 200 })).json;
const ruleBody = (expression) => ({ type: 'group_rule', name: 'Conformance rule', conditions: { expression: { value: expression, type: 'urn:okta:expression:1.0' } }, actions: { assignUserToGroups: { groupIds: [ruleGroup.id] } } });
const gr = (await post('/api/v1/groups/rules', ruleBody('user.department=="Engineering"'), { expect: 200 })).json;
await pages('/api/v1/groups/rules');
await get(`/api/v1/groups/rules/${gr.id}`, { expect: 200 });
await post(`/api/v1/groups/rules/${gr.id}/lifecycle/activate`, undefined, { expect: 204 });
await pages(`/api/v1/groups/${ruleGroup.id}/users`);
await post(`/api/v1/groups/rules/${gr.id}/lifecycle/deactivate`, undefined, { expect: 204 });
await put(`/api/v1/groups/rules/${gr.id}`, ruleBody('user.lastName=="Nobody"'), { expect: 200 });
await get('/api/v1/groups/rules/0prnotarule000000000', { expect: 404 });
await del(`/api/v1/groups/rules/${gr.id}`, { expect: 202 });
await del(`/api/v1/groups/${ruleGroup.id}`, { expect: 204 });

// ---- System Log
const poll = await get('/api/v1/logs?limit=20', { expect: 200 });
if (poll.links.next) await get(poll.links.next, { expect: 200 });
const now = new Date();
const since = new Date(now - 86400000 * 2).toISOString();
const until = new Date(now.getTime() + 60000).toISOString();
await pages(`/api/v1/logs?since=${since}&until=${until}&limit=200`);
await get(`/api/v1/logs?since=${since}&until=${until}&sortOrder=DESCENDING&limit=10`, { expect: 200 });
await get(`/api/v1/logs?filter=${enc('eventType eq "user.lifecycle.create"')}`, { expect: 200 });
await get(`/api/v1/logs?filter=${enc(`target.id eq "${staged.id}" and outcome.result eq "SUCCESS"`)}`, { expect: 200 });
await get('/api/v1/logs?q=conform', { expect: 200 });
await get('/api/v1/logs?since=2000-01-01T00:00:00.000Z', { expect: 400 });
await get(`/api/v1/logs?filter=${enc('published gt "2020-01-01T00:00:00.000Z"')}`, { expect: 400 });

// ---- the read-only token
await get('/api/v1/users/me', { token: readonly, expect: 200 });
await post('/api/v1/groups', { profile: { name: 'Nope' } }, { token: readonly, expect: 403 });
await del(`/api/v1/users/${staged.id}`, { token: readonly, expect: 403 });

// ---- known spec gaps: answers Okta gives that the spec does not declare
await get('/api/v1/users', { token: 'not-a-token', gap: true, expect: 401 });
await get('/api/v1/groups', { token: 'not-a-token', gap: true, expect: 401 });
await get(`/api/v1/users?search=${enc('status ne "ACTIVE"')}`, { gap: true, expect: 400 });
await get(`/api/v1/groups?filter=${enc('profile.name eq "Sales"')}`, { gap: true, expect: 400 });
await get(`/api/v1/apps?filter=${enc('label eq "x"')}`, { gap: true, expect: 400 });
await post('/api/v1/users', '{"profile": ', { gap: true, expect: 400 });
// The spec's AppUserUpdateRequest is a oneOf of two schemas that both accept any object, so no
// body can match exactly one of them.
await post(`/api/v1/apps/${app.id}/users/${me.id}`, { credentials: { userName: 'admin@example.com' } }, { gap: true });

// ---- every other operation of the spec: the spec-driven engine, from a corpus made from the spec
const apps = (await get('/api/v1/apps?limit=1', { expect: 200 })).json ?? [];
const anyGroup = (await get('/api/v1/groups?limit=1', { expect: 200 })).json ?? [];
const engine = await generic({
  call: (method, path, opts = {}) => call(method, path, { ...opts, generic: true }),
  direct: async (method, path, body) => {
    const headers = { Accept: 'application/json', Authorization: `SSWS ${token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(process.env.DEMO_URL + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    try {
      return { status: res.status, json: await res.json() };
    } catch {
      return { status: res.status, json: null };
    }
  },
  demoSpecPath: 'data/okta/demo-spec.json',
  specPath: process.env.SPEC_JSON,
  operationsList: process.env.OPERATIONS_LIST,
  known: { '/api/v1/users': me.id, '/api/v1/apps': apps[0]?.id, '/api/v1/groups': anyGroup[0]?.id },
});
gaps.push(...engine.gaps);

const summary = {
  requests,
  violations: violations.length,
  gaps: gaps.length,
  unexpected: unexpected.length,
  hand_operations: handOps.length,
  hand_covered: handCovered.size,
  generic_operations: engine.generic,
  generic_covered: engine.covered.size,
  generic_violations: genericViolations.length,
  generic_unexpected: engine.unexpected.length,
};
console.log(JSON.stringify({ summary, violations, gaps, unexpected, genericViolations, genericUnexpected: engine.unexpected }, null, 2));
const failed = violations.length + unexpected.length + genericViolations.length + engine.unexpected.length;
process.exit(failed ? 1 : 0);
