// Bare "auth": GET /validate answers a fixed identity when a Bearer header is present.
import { sendJson, serveBare } from './bare-http.ts';

const IDENTITY = { valid: true, user_id: 'bench-user', email: 'bench@example.com' };

serveBare('bare-auth', (req, res) => {
  if (req.method === 'GET' && req.url === '/validate') {
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ') && header.length > 7) sendJson(res, 200, IDENTITY);
    else sendJson(res, 401, { error: 'unauthorized' });
    return;
  }
  sendJson(res, 404, { error: 'not_found' });
});
