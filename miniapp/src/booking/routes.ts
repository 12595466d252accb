/** The booking pages live in the `subpackages/booking` subpackage (app.config.ts), loaded when first opened. */
export const BOOK_PAGE = '/subpackages/booking/pages/book/index';
export const DETAIL_PAGE = '/subpackages/booking/pages/detail/index';
export const APPOINTMENTS_TAB = '/pages/appointments/index';

export function detailPage(appointmentId: string): string {
  return `${DETAIL_PAGE}?id=${encodeURIComponent(appointmentId)}`;
}
