/** Row shapes; they never leave this package. Times are ISO-8601 UTC text. */
export interface PriceTable {
  id: string;
  product: string;
  amount_fen: number;
  effective_at: string;
  created_at: string;
  created_by: string;
}
