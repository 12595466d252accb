import { describe, expect, it } from 'vitest';
import { createApiClient } from '@careloop/shared/client';
import { createBookingApi } from '../../../miniapp/src/booking/api';
import { appointment, clinic, implant, payment, slot } from './booking-fixtures';
import { fakeTransport } from './fakes';

const tokens = {
  get: () => ({ accessToken: 'a', refreshToken: 'r', expiresIn: 900 }),
  set: () => {},
};

function api(routes: Parameters<typeof fakeTransport>[0]) {
  const fake = fakeTransport(routes);
  return { ...fake, booking: createBookingApi(createApiClient({ baseUrl: '', transport: fake.transport, tokens })) };
}

describe('booking API', () => {
  it('calls the booking routes as the signed-in customer', async () => {
    const free = slot('2025-11-27', '09:00');
    const held = appointment();
    const { booking, requests } = api({
      'GET /api/mp/clinics': () => ({ status: 200, body: { items: [clinic] } }),
      [`GET /api/mp/clinics/${clinic.id}/services`]: () => ({ status: 200, body: { items: [implant] } }),
      [`GET /api/mp/clinics/${clinic.id}/slots?date=2025-11-27&serviceId=${implant.id}`]: () => ({
        status: 200,
        body: { items: [free] },
      }),
      'POST /api/mp/appointments': () => ({ status: 201, body: held }),
      'GET /api/mp/appointments': () => ({ status: 200, body: { items: [held] } }),
      [`GET /api/mp/appointments/${held.id}/cancellation`]: () => ({ status: 200, body: { refundFen: 10_000 } }),
      [`POST /api/mp/appointments/${held.id}/cancel`]: () => ({
        status: 200,
        body: { appointment: { ...held, status: 'cancelled' }, refundFen: 0 },
      }),
      [`POST /api/mp/appointments/${held.id}/reschedule`]: () => ({ status: 200, body: held }),
      [`POST /api/mp/payments/${held.paymentId}/jsapi`]: () => ({
        status: 200,
        body: { timeStamp: '1', nonceStr: 'n', package: 'prepay_id=wx1', signType: 'RSA', paySign: 's' },
      }),
      [`GET /api/mp/payments/${held.paymentId}`]: () => ({ status: 200, body: payment() }),
    });

    expect(await booking.clinics()).toEqual([clinic]);
    expect(await booking.services(clinic.id)).toEqual([implant]);
    expect(await booking.slots(clinic.id, implant.id, '2025-11-27')).toEqual([free]);
    expect(await booking.book({ slotId: free.id, serviceId: implant.id, note: '' })).toEqual(held);
    expect(await booking.appointments()).toEqual([held]);
    expect(await booking.cancellationQuote(held.id)).toEqual({ refundFen: 10_000 });
    expect((await booking.cancel(held.id)).appointment.status).toBe('cancelled');
    expect(await booking.reschedule(held.id, free.id)).toEqual(held);
    expect((await booking.jsapiParams(held.paymentId!)).package).toBe('prepay_id=wx1');
    expect((await booking.payment(held.paymentId!)).status).toBe('created');

    expect(requests.every((request) => request.headers.authorization === 'Bearer a')).toBe(true);
    expect(requests.find((r) => r.url === '/api/mp/appointments' && r.method === 'POST')?.body).toEqual({
      slotId: free.id,
      serviceId: implant.id,
      note: '',
    });
    expect(requests.find((r) => r.url.endsWith('/reschedule'))?.body).toEqual({ slotId: free.id });
  });

  it('turns an answer without the expected fields into a clear error', async () => {
    const { booking } = api({
      'GET /api/mp/clinics': () => ({ status: 200, body: { clinics: [] } }),
      'GET /api/mp/appointments': () => ({ status: 200, body: { items: [{ id: 'x' }] } }),
      'POST /api/mp/payments/p/jsapi': () => ({ status: 200, body: { package: 'prepay_id=wx1' } }),
    });
    await expect(booking.clinics()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(booking.appointments()).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
    await expect(booking.jsapiParams('p')).rejects.toMatchObject({ code: 'BAD_RESPONSE' });
  });

  it('passes the API’s errors on with their codes', async () => {
    const { booking } = api({
      'POST /api/mp/appointments': () => ({
        status: 409,
        body: { error: { code: 'SLOT_FULL', message: 'This slot has just been fully booked' } },
      }),
    });
    await expect(booking.book({ slotId: 's', serviceId: 'v', note: '' })).rejects.toMatchObject({
      status: 409,
      code: 'SLOT_FULL',
    });
  });
});
