// Bare "db": GET /products answers the five seeded products from an in-memory array.
import { sendJson, serveBare } from './bare-http.ts';
import { BARE_PRODUCTS } from './products.ts';

serveBare('bare-db', (req, res) => {
  if (req.method === 'GET' && req.url === '/products') {
    sendJson(res, 200, BARE_PRODUCTS);
    return;
  }
  sendJson(res, 404, { error: 'not_found' });
});
