/** The five seeded products (ids p1..p5, SPEC §3), the same fields the real db-service answers. */
export const BARE_PRODUCTS = Object.freeze([
  { id: 'p1', name: 'Laptop', description: 'High-performance laptop', price: 999.99 },
  { id: 'p2', name: 'Headphones', description: 'Noise-cancelling wireless headphones', price: 199.99 },
  { id: 'p3', name: 'Keyboard', description: 'Mechanical keyboard', price: 79.99 },
  { id: 'p4', name: 'Mouse', description: 'Wireless mouse', price: 29.99 },
  { id: 'p5', name: 'Monitor', description: '27-inch 4K monitor', price: 299.99 },
]);
