/** A catalogue entry; `price` is in USD with two decimals. */
export interface Product {
  id: string;
  name: string;
  description: string;
  price: number;
}
