/** One line of a cart. */
export interface CartItem {
  product_id: string;
  quantity: number;
}

/** A cart line never holds more than this many units. */
export const MAX_LINE_QUANTITY = 999;
