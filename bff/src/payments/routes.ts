import { PaymentIdParams, PaymentView, RequestPaymentParams } from '@careloop/shared';
import { defineRoute } from '../http/routes';
import { getCustomerPayment, requestJsapiPayment, toPayment, toPaymentView } from './service';

/** The mini-program's payment routes; WeChat Pay's notifications are in notify.ts. */
export function paymentRoutes() {
  const tag = 'payments';
  return [
    defineRoute({
      method: 'post',
      path: '/api/mp/payments/:id/jsapi',
      summary:
        'requestPayment parameters for my unpaid order (the WeChat Pay prepay order is made once and reused); the amount is the server’s',
      tag,
      access: 'customer',
      params: PaymentIdParams,
      response: RequestPaymentParams,
      handler: ({ auth, params }) =>
        requestJsapiPayment({ organisationId: auth.organisationId, customerId: auth.id, paymentId: params.id }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/mp/payments/:id',
      summary:
        'My payment’s status: poll it after requestPayment; WeChat Pay’s notification decides, not requestPayment’s result',
      tag,
      access: 'customer',
      params: PaymentIdParams,
      response: PaymentView,
      handler: async ({ auth, params }) =>
        toPaymentView(toPayment(await getCustomerPayment(auth.organisationId, auth.id, params.id))),
    }),
  ];
}
