// k6 script for the `normal` scenario. The scenario itself (load profile, journey, thresholds) is
// load/scenarios/normal.json, shared with the built-in runner (load/src); the k6 scripts differ only
// in SCENARIO, and import nothing but k6 modules. Run: k6 run load/k6/normal.js (or load/run-test.sh).
import http from 'k6/http';
import { check, sleep } from 'k6';

const SCENARIO = 'normal';

const definition = JSON.parse(open(`../scenarios/${SCENARIO}.json`));
const journey = typeof definition.journey === 'string' ? JSON.parse(open(`../journeys/${definition.journey}.json`)) : definition.journey;

const targets = {
  auth: __ENV.AUTH_SERVICE_URL || 'http://127.0.0.1:8001',
  product: __ENV.PRODUCT_SERVICE_URL || 'http://127.0.0.1:8003',
  payment: __ENV.PAYMENT_SERVICE_URL || 'http://127.0.0.1:8004',
};

// Load goes to this machine only unless ALLOW_REMOTE=1 (run-test.sh --allow-remote): see load/README.md.
const LOOPBACK = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/i;
for (const name of Object.keys(targets)) {
  targets[name] = targets[name].replace(/\/+$/, '');
  const host = (/^https?:\/\/([^/:?#]+|\[[^\]]*\])/i.exec(targets[name]) || [])[1] || '';
  if (__ENV.ALLOW_REMOTE !== '1' && !LOOPBACK.test(host)) {
    throw new Error(`target ${name}: ${targets[name]} is not on this machine; set ALLOW_REMOTE=1 to allow it`);
  }
}

export const options = {
  scenarios: { [SCENARIO]: definition.load },
  thresholds: definition.thresholds,
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

const PASSWORD = 'load-test-password';
const RUN_ID = `${Date.now().toString(36)}${Math.floor(Math.random() * 0xffffff).toString(16)}`;

function send(step, token, body) {
  const name = `${step.method} ${step.path}`;
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = http.request(step.method, targets[step.target] + step.path, body === undefined ? null : JSON.stringify(body), {
    headers,
    tags: { name },
  });
  const ok = check(response, { [`${name} is ${step.expect}`]: (r) => r.status === step.expect });
  return { ok, response };
}

function newSession(vu) {
  return { email: `load-${SCENARIO}-${RUN_ID}-${vu}@example.com`, password: PASSWORD, signedUp: false, token: null };
}

function signIn(session) {
  const credentials = { email: session.email, password: session.password };
  if (!session.signedUp) {
    if (!send({ target: 'auth', method: 'POST', path: '/signup', expect: 201 }, null, credentials).ok) return false;
    session.signedUp = true;
  }
  const login = send({ target: 'auth', method: 'POST', path: '/login', expect: 200 }, null, credentials);
  if (!login.ok) return false;
  session.token = login.response.json('access_token');
  return typeof session.token === 'string';
}

function bodyOf(step) {
  if (step.body === undefined) return undefined;
  const body = Object.assign({}, step.body);
  for (const field of Object.keys(step.pick || {})) {
    const choices = step.pick[field];
    body[field] = choices[Math.floor(Math.random() * choices.length)];
  }
  return body;
}

export function setup() {
  if (journey.session !== 'shared') return {};
  const session = newSession(0);
  if (!signIn(session)) throw new Error('setup: the shared user could not sign up and log in');
  return { token: session.token };
}

// Per VU: every k6 VU has its own copy of this module.
let session = null;

export default function (data) {
  let token = data && data.token;
  let passed = true;
  if (journey.session === 'per-vu') {
    if (session === null) session = newSession(__VU);
    if (!session.token) passed = signIn(session);
    token = session.token;
  }
  for (let i = 0; passed && i < journey.steps.length; i++) {
    passed = send(journey.steps[i], token, bodyOf(journey.steps[i])).ok;
  }
  const think = journey.thinkTime || { min: 0, max: 0 };
  if (think.max > 0) sleep(think.min + Math.random() * (think.max - think.min));
}
