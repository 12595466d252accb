/**
 * `npm run bench:booking`: bookings per second through POST /api/mp/appointments with 50 concurrent patients
 * on one hot set of slots (one day, one doctor), next to a baseline measured in the same run: the same number
 * of bare appointment inserts at the same concurrency. Also how the hot set ends: never over capacity.
 */
import { DateTime } from 'luxon';
import mongoose from 'mongoose';
import { provisionDatabase } from '../../tools/database';
import { startBff } from '../../bff/src/index';
import { createClinic } from '../../bff/src/organisations/service';
import { createService } from '../../bff/src/appointments/catalog';
import { createScheduleTemplate } from '../../bff/src/appointments/schedule';
import { SlotModel } from '../../bff/src/appointments/model';

const CLIENTS = 50;
const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 1000);
const CAPACITY = 40;

async function runConcurrently(count: number, concurrency: number, task: (index: number) => Promise<void>) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await task(next++);
    }),
  );
  return (performance.now() - started) / 1000;
}

async function main() {
  const database = await provisionDatabase({ purpose: 'test' });
  const bff = await startBff({ env: { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, mongodbUri: database.uri });
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(bff.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  try {
    const staffCode = await call('POST', '/sandbox/control/wecom/oauth-code', { userid: 'chenjie' });
    const dentist = await call('POST', '/api/staff/auth/wecom', { code: staffCode.body.code });
    const org = dentist.body.staff.organisation.id as string;
    const clinic = await createClinic(org, { name: 'Bench clinic', address: '' });
    const service = await createService(org, {
      name: 'Bench cleaning',
      durationMinutes: 15,
      depositFen: 0,
      fullRefundHoursBefore: 24,
      lateRefundPercent: 0,
      clinicIds: [clinic.id],
    });
    const date = DateTime.now().setZone('Asia/Shanghai').plus({ days: 3 });
    await createScheduleTemplate(org, {
      clinicId: clinic.id,
      doctorStaffId: dentist.body.staff.id,
      serviceIds: [service.id],
      weekday: date.weekday,
      startTime: '09:00',
      endTime: '14:00',
      slotMinutes: 15,
      capacity: CAPACITY,
    });

    console.log(`signing in ${PATIENTS} patients…`);
    const tokens: string[] = [];
    await runConcurrently(PATIENTS, 20, async () => {
      const user = await call('POST', '/sandbox/control/wechat/users', {});
      const code = await call('POST', '/sandbox/control/wechat/login-code', { openid: user.body.openid });
      tokens.push((await call('POST', '/api/mp/auth/login', { code: code.body.code })).body.accessToken);
    });
    const slots = (
      await call(
        'GET',
        `/api/mp/clinics/${clinic.id}/slots?date=${date.toISODate()}&serviceId=${service.id}`,
        undefined,
        tokens[0],
      )
    ).body.items as { id: string }[];
    const places = slots.length * CAPACITY;

    const outcomes = new Map<string, number>();
    const bookingSeconds = await runConcurrently(PATIENTS, CLIENTS, async (index) => {
      const slot = slots[index % slots.length]!;
      const result = await call(
        'POST',
        '/api/mp/appointments',
        { slotId: slot.id, serviceId: service.id },
        tokens[index],
      );
      const outcome = result.status === 201 ? 'booked' : result.body.error.code;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    });

    const scratch = mongoose.connection.collection('bench_appointments_baseline');
    const baselineSeconds = await runConcurrently(PATIENTS, CLIENTS, async (index) => {
      await scratch.insertOne({
        organisationId: new mongoose.Types.ObjectId(org),
        customerId: new mongoose.Types.ObjectId(),
        slotId: new mongoose.Types.ObjectId(slots[index % slots.length]!.id),
        status: 'confirmed',
        startsAt: new Date(),
        history: [{ status: 'confirmed', at: new Date() }],
      });
    });
    await scratch.drop();

    const overbooked = await SlotModel.countDocuments({
      clinicId: clinic.id,
      [`holders.${CAPACITY}`]: { $exists: true },
    });
    const bookingRate = PATIENTS / bookingSeconds;
    const baselineRate = PATIENTS / baselineSeconds;
    console.log(
      `database: ${database.server}; ${CLIENTS} concurrent clients; ${slots.length} slots × ${CAPACITY} places`,
    );
    console.table([
      {
        operation: 'bare insertOne of an appointment (baseline)',
        'per second': Math.round(baselineRate),
        ratio: '1.00',
      },
      {
        operation: 'POST /api/mp/appointments (full booking)',
        'per second': Math.round(bookingRate),
        ratio: (bookingRate / baselineRate).toFixed(2),
      },
    ]);
    console.log('outcomes:', Object.fromEntries(outcomes), `places: ${places}, slots over capacity: ${overbooked}`);
  } finally {
    await bff.close();
    await database.stop();
  }
}

await main();
