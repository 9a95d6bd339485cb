/**
 * A problem inside a workbook's package, in words a user understands. The xlsx reader turns it
 * into an input error naming the file; `limit` means one of the documented size limits was met.
 */
export class XlsxError extends Error {
  override name = 'XlsxError';
  constructor(
    message: string,
    readonly kind: 'damaged' | 'limit' = 'damaged',
    /** The row the damage is in, and what to do when it is not the general advice. */
    readonly at: { row?: number; hint?: string } = {},
  ) {
    super(message);
  }
}
