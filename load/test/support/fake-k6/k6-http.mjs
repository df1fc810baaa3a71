// The part of k6's `k6/http` module the scripts use: records requests, answers like a healthy stack.
export const requests = [];

const STATUS = { '/signup': 201, '/login': 200, '/create-checkout-session': 201 };

function request(method, url, body, params) {
  requests.push({ method, url, body: body === null ? null : JSON.parse(body), headers: params?.headers ?? {}, tags: params?.tags ?? {} });
  const path = new URL(url).pathname;
  const status = STATUS[path] ?? 200;
  const payload = path === '/login' ? { access_token: 'token-of-the-vu', token_type: 'bearer' } : {};
  return { status, body: JSON.stringify(payload), json: (selector) => (selector ? payload[selector] : payload) };
}

export default {
  request,
  get: (url, params) => request('GET', url, null, params),
  post: (url, body, params) => request('POST', url, body, params),
};
