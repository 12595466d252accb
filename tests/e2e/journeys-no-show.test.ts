/**
 * Journeys end to end (#10), on the real builds served by the real BFF, in Chromium: a manager enables the no-show
 * recovery SOP from the workbench's template gallery; a patient books through the mini-program's routes and misses
 * the appointment; the journey gives the patient's consultant a call task, which he sees in the chat sidebar (with
 * the journey and its step) and completes; once the waits have passed, the journey's graph in the workbench shows
 * one customer passed at each step. The journey clock is a month ahead of the real one (so the BFF's own engine job
 * never finds this work due) and the engine is driven by the test, moving its `now` past each wait.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markNoShow } from '../../bff/src/appointments/booking';
import { runJourneyEngineOnce } from '../../bff/src/journeys/engine';
import { setJourneyClock, setJourneySmsProvider } from '../../bff/src/journeys/runtime';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, SCREENSHOTS, screenshot } from '../support/browser';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const PATIENT = '钱晓峰';
const STEPS = ['call', 'wait1', 'nudge', 'wait2', 'tag'];

let bff: TestBff;
let browser: Browser;
let lina: { accessToken: string; staff: { id: string; organisation: { id: string } } };
let zhangweiId: string;
let journeyId: string;
let patientId: string;
// 10:00 in Shanghai, a month ahead: the journey clock, and the engine's `now` as the waits pass.
const t0 = new Date(Date.now() + 30 * DAY);
t0.setUTCHours(2, 0, 0, 0);

beforeAll(async () => {
  setJourneyClock(() => t0);
  bff = await startTestBff('e2e_journeys_no_show', { wecom: FRONTENDS[1].output });
  browser = await launchBrowser();
  lina = await signInStaff(bff, 'lina');
  zhangweiId = (await signInStaff(bff, 'zhangwei')).staff.id;
});
afterAll(async () => {
  setJourneyClock(null);
  await browser?.close();
  await bff?.close();
});

const engine = (now: Date) => runJourneyEngineOnce({ now, instanceId: 'e2e' });

async function workbench(hash = '', staff = { userid: 'lina', name: '李娜' }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${bff.url}/wecom/workbench/${hash}`);
  await page.getByTestId('emulated-staff-select').selectOption(staff.userid);
  await expect.poll(() => page.getByTestId('staff-name').textContent(), { timeout: 15_000 }).toBe(staff.name);
  return page;
}

async function fullScreenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const node = (page: Page, stepId: string) => page.locator(`[data-testid="journey-node"][data-step-id="${stepId}"]`);

/** A new mini-program patient, named, who books the first free cleaning at the flagship clinic (no deposit). */
async function patientWithBooking() {
  const patient = await signInNewPatient(bff);
  expect((await bff.call('PATCH', '/api/mp/me', { token: patient.accessToken, body: { name: PATIENT } })).status).toBe(
    200,
  );
  // The consultant is responsible for them (the journey's task goes to the owner).
  const owned = await bff.call('PATCH', `/api/staff/customers/${patient.customer.id}`, {
    token: lina.accessToken,
    body: { ownerStaffId: zhangweiId },
  });
  expect(owned.status).toBe(200);
  const clinics = await bff.call('GET', '/api/mp/clinics', { token: patient.accessToken });
  const clinic = (clinics.body.items as { id: string; name: string }[]).find((item) =>
    item.name.includes('静安旗舰店'),
  )!;
  const services = await bff.call('GET', `/api/mp/clinics/${clinic.id}/services`, { token: patient.accessToken });
  const cleaning = (services.body.items as { id: string; name: string; depositFen: number }[]).find(
    (item) => item.name.includes('洗牙') && item.depositFen === 0,
  )!;
  for (let days = 1; days <= 7; days += 1) {
    const date = new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
    const slots = await bff.call('GET', `/api/mp/clinics/${clinic.id}/slots?date=${date}&serviceId=${cleaning.id}`, {
      token: patient.accessToken,
    });
    const [slot] = slots.body.items as { id: string }[];
    if (!slot) continue;
    const booked = await bff.call('POST', '/api/mp/appointments', {
      token: patient.accessToken,
      body: { slotId: slot.id, serviceId: cleaning.id, note: '' },
    });
    expect(booked.status).toBe(201);
    expect(booked.body.status).toBe('confirmed');
    return { customerId: patient.customer.id as string, appointmentId: booked.body.id as string };
  }
  throw new Error('no free cleaning slot in the coming week');
}

describe('no-show recovery, from the template gallery to the analytics on the graph', () => {
  it('lets the manager create the no-show recovery journey from its template and enable it', async () => {
    const page = await workbench();
    await page.getByTestId('nav-journeys').click();
    await page.getByTestId('journeys-nav-templates').click();
    const template = page.locator('[data-testid="journey-template"][data-template-key="no_show_recovery"]');
    await expect.poll(() => template.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('journey-template').count()).toBe(8);
    expect(await template.textContent()).toContain('失约挽回');
    await fullScreenshot(page, 'journeys-templates');

    await template.getByTestId('journey-template-use').click();
    await template.getByTestId('journey-template-create').click();
    await expect.poll(() => page.url(), { timeout: 10_000 }).toMatch(/#journeys\/[0-9a-f]{24}$/);
    journeyId = /#journeys\/([0-9a-f]{24})$/.exec(page.url())![1]!;

    // The draft's graph: the entry, then the SOP's five steps, each with its name.
    const detail = page.getByTestId('journey-detail');
    await expect.poll(() => detail.getByTestId('journey-status').getAttribute('data-status')).toBe('draft');
    await expect.poll(() => page.getByTestId('journey-node').count(), { timeout: 10_000 }).toBe(5);
    expect(await page.getByTestId('journey-entry-node').getByTestId('journey-node-name').textContent()).toBe(
      '事件：失约',
    );
    expect(await node(page, 'call').getByTestId('journey-node-name').textContent()).toBe('失约回访电话');
    expect(await node(page, 'tag').textContent()).toContain('打上「失约未回」');
    // The entry node's panel shows the rules the template brings.
    const settings = page.getByTestId('journey-settings-panel');
    expect(await settings.getByTestId('settings-event').inputValue()).toBe('appointment.no_show');
    expect(await settings.getByTestId('settings-reEntry').inputValue()).toBe('after_days');
    expect(await settings.getByTestId('settings-quietStart').inputValue()).toBe('21:00');
    await node(page, 'call').click();
    const panel = page.getByTestId('journey-step-panel');
    expect(await panel.getAttribute('data-step-id')).toBe('call');
    expect(await panel.getByTestId('step-title').inputValue()).toBe('失约回访');
    expect(await panel.getByTestId('step-dueInHours').inputValue()).toBe('4');
    await fullScreenshot(page, 'journeys-builder-draft');

    await detail.getByTestId('journey-enable').click();
    await expect
      .poll(() => detail.getByTestId('journey-status').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('live');
    expect(await page.getByTestId('journey-action-outcome').textContent()).toContain('已启用');
    expect(await detail.getByTestId('journey-version').textContent()).toBe(' v1');
    const stored = await bff.call('GET', `/api/staff/journeys/${journeyId}`, { token: lina.accessToken });
    expect(stored.body).toMatchObject({ status: 'live', liveVersion: 1, templateKey: 'no_show_recovery' });
    await page.context().close();
  });

  it('shows a validation problem on the node it concerns, and discards the edit', async () => {
    const page = await workbench(`#journeys/${journeyId}`);
    await expect.poll(() => page.getByTestId('journey-node').count(), { timeout: 10_000 }).toBe(5);
    // Starting at the first wait leaves the call step unreachable: the server says so, on that node.
    await page.getByTestId('journey-settings-panel').getByTestId('settings-start').selectOption('wait1');
    await page.getByTestId('journey-validate').click();
    await expect.poll(() => node(page, 'call').getAttribute('data-issues'), { timeout: 10_000 }).toBe('1');
    expect(await node(page, 'call').getByTestId('journey-node-issue').textContent()).toContain(
      '从入口无法到达这个步骤',
    );
    expect(await page.getByTestId('journey-builder-outcome').textContent()).toContain('发现 1 处问题');
    expect(await node(page, 'wait1').getAttribute('data-issues')).toBe('0');
    await fullScreenshot(page, 'journeys-builder-issue');

    await page.getByTestId('journey-discard').click();
    expect(await node(page, 'call').getAttribute('data-issues')).toBe('0');
    expect(await page.getByTestId('journey-builder').getAttribute('data-dirty')).toBe('false');
    // Nothing was saved: still version 1.
    const stored = await bff.call('GET', `/api/staff/journeys/${journeyId}`, { token: lina.accessToken });
    expect(stored.body).toMatchObject({ version: 1, definition: { start: 'call' } });
    await page.context().close();
  });

  it('gives the consultant a call task when his patient misses the appointment; he completes it in the sidebar', async () => {
    const booking = await patientWithBooking();
    patientId = booking.customerId;
    // The appointment's time has passed on the journey clock: front desk's no-show marking, at that time.
    const frontDesk = await signInStaff(bff, 'liuyang');
    await markNoShow(lina.staff.organisation.id, booking.appointmentId, frontDesk.staff.id, t0);
    const journeysOf = async () =>
      (await bff.call('GET', `/api/staff/customers/${patientId}/journeys`, { token: lina.accessToken })).body.items as {
        journeyId: string;
        status: string;
        step: { id: string } | null;
      }[];
    await expect
      .poll(async () => (await journeysOf()).map((item) => [item.journeyId, item.status]))
      .toEqual([[journeyId, 'active']]);
    const first = await engine(t0);
    expect(first.passed).toBe(1);
    expect((await journeysOf())[0]!.step?.id).toBe('wait1');

    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await page.goto(`${bff.url}/wecom/`);
    await page.getByTestId('emulated-staff-select').selectOption('zhangwei');
    await page.getByTestId('contact-search').fill(PATIENT);
    await page.getByTestId('contact-result').filter({ hasText: PATIENT }).first().click();
    await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 15_000 }).toBe(PATIENT);

    const task = page.getByTestId('task-row').filter({ hasText: '失约回访' });
    await expect.poll(() => task.count(), { timeout: 10_000 }).toBe(1);
    expect(await task.getByTestId('task-type').textContent()).toBe('电话回访');
    expect(await task.getAttribute('data-status')).toBe('open');
    // The 旅程 section: the patient is in the journey, waiting at its first wait.
    const enrolment = page.locator(`[data-testid="journey-row"][data-journey-id="${journeyId}"]`);
    await expect.poll(() => enrolment.getAttribute('data-step'), { timeout: 10_000 }).toBe('wait1');
    expect(await enrolment.getAttribute('data-status')).toBe('active');
    expect(await enrolment.textContent()).toContain('失约挽回');
    await page.getByTestId('customer-journeys').scrollIntoViewIfNeeded();
    await screenshot(page, 'journeys-sidebar-enrolment');
    await task.scrollIntoViewIfNeeded();
    await screenshot(page, 'journeys-sidebar-task');

    await task.getByTestId('task-complete').click();
    await task.locator('[data-testid="task-outcome"][value="reached"]').check();
    await task.getByTestId('task-note').fill('已联系，改约下周');
    await task.getByTestId('task-complete-confirm').click();
    await expect.poll(() => task.getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    await task.scrollIntoViewIfNeeded();
    await screenshot(page, 'journeys-sidebar-task-completed');
    await context.close();

    const tasks = await bff.call('GET', `/api/staff/customers/${patientId}/tasks`, { token: lina.accessToken });
    expect(tasks.body.items).toEqual([
      expect.objectContaining({
        title: '失约回访',
        status: 'completed',
        outcome: 'reached',
        assignee: expect.objectContaining({ id: zhangweiId }),
      }),
    ]);
  });

  it('shows one customer passed at each step on the journey’s graph once the waits have passed', async () => {
    // A day later the WeCom nudge goes to the consultant; three days after that the tag, and the journey ends.
    await engine(new Date(t0.getTime() + DAY + 5 * MINUTE));
    await engine(new Date(t0.getTime() + 4 * DAY + 10 * MINUTE));
    const page = await workbench(`#journeys/${journeyId}/analytics`);
    const graph = page.getByTestId('journey-analytics-graph');
    const passed = (stepId: string) => node(page, stepId).locator('[data-metric="passed"]').getAttribute('data-value');
    await expect.poll(() => passed('tag'), { timeout: 10_000 }).toBe('1');
    for (const stepId of STEPS) {
      expect(await passed(stepId)).toBe('1');
      expect(await node(page, stepId).locator('[data-metric="waiting"]').getAttribute('data-value')).toBe('0');
    }
    const entry = page.getByTestId('journey-entry-node');
    expect(await entry.locator('[data-metric="entered"]').getAttribute('data-value')).toBe('1');
    expect(await entry.locator('[data-metric="completed"]').getAttribute('data-value')).toBe('1');
    // Every edge carried the one customer.
    expect(await graph.getByTestId('journey-edge-count').allTextContents()).toEqual(['1', '1', '1', '1', '1']);
    await fullScreenshot(page, 'journeys-analytics-graph');

    // Clicking a step lists who passed it, by name.
    await node(page, 'nudge').click();
    const customers = page.getByTestId('journey-step-customers');
    await expect
      .poll(() => customers.getByTestId('step-customer-name').allTextContents(), { timeout: 10_000 })
      .toEqual([PATIENT]);
    expect(await customers.getByTestId('step-state-tab').allTextContents()).toEqual(['已通过 1']);
    expect(await customers.getByTestId('step-customer').getAttribute('data-customer-id')).toBe(patientId);
    await fullScreenshot(page, 'journeys-analytics-step-customers');

    // The journey list counts the completion.
    await page.getByTestId('journeys-nav-list').click();
    const row = page.locator(`[data-testid="journey-row"][data-journey-id="${journeyId}"]`);
    await expect.poll(() => row.locator('[data-metric="completed"]').textContent(), { timeout: 10_000 }).toBe('1');
    expect(await row.getAttribute('data-status')).toBe('live');
    await screenshot(page, 'journeys-list');
    await page.context().close();
  });

  it('saves an edit of the live journey as a new version, with a branch and a step added on the graph', async () => {
    const page = await workbench(`#journeys/${journeyId}`);
    await expect.poll(() => page.getByTestId('journey-node').count(), { timeout: 10_000 }).toBe(5);
    // A branch after the three-day wait: booked since entering → on to the tag; otherwise the journey ends.
    await node(page, 'wait2').click();
    await page.getByTestId('journey-step-panel').getByTestId('step-insert-type').selectOption('branch');
    await page.getByTestId('journey-step-panel').getByTestId('step-insert').click();
    const panel = page.getByTestId('journey-step-panel');
    await expect.poll(() => panel.getAttribute('data-step-id')).toBe('branch1');
    expect(await panel.getByTestId('step-conditionEvent').inputValue()).toBe('appointment.booked');
    expect(await panel.getByTestId('step-yes').inputValue()).toBe('tag');
    await panel.getByTestId('step-name').fill('三天内是否预约');
    // A notification after the tag: its title is required, and nothing is saved until it is given.
    await node(page, 'tag').click();
    await panel.getByTestId('step-insert-type').selectOption('notify_staff');
    await panel.getByTestId('step-insert').click();
    await expect.poll(() => panel.getAttribute('data-step-id')).toBe('notify1');
    await panel.getByTestId('step-title').fill('x');
    await panel.getByTestId('step-title').fill('');
    expect(await panel.textContent()).toContain('请填写通知标题');
    await page.getByTestId('journey-save').click();
    expect(await page.getByTestId('journey-builder-outcome').textContent()).toContain('notify1');
    await panel.getByTestId('step-title').fill('请回访未预约的失约患者');
    expect(await node(page, 'notify1').textContent()).toContain('请回访未预约的失约患者');
    await page.getByTestId('journey-save').click();

    await expect
      .poll(() => page.getByTestId('journey-builder-outcome').textContent(), { timeout: 10_000 })
      .toContain('已保存为新版本 v2');
    expect(await page.getByTestId('journey-version').textContent()).toBe(' v2');
    expect(await page.getByTestId('journey-node').count()).toBe(7);
    const edges = page.locator('.jedge--yes, .jedge--no');
    expect(await edges.count()).toBe(1);
    expect(await page.locator('.jend--no').textContent()).toBe('否 → 结束');
    await fullScreenshot(page, 'journeys-builder-new-version');
    const stored = await bff.call('GET', `/api/staff/journeys/${journeyId}`, { token: lina.accessToken });
    expect(stored.body).toMatchObject({ version: 2, liveVersion: 2 });
    expect(stored.body.definition.steps.map((step: { id: string }) => step.id)).toEqual([
      'call',
      'wait1',
      'nudge',
      'wait2',
      'branch1',
      'tag',
      'notify1',
    ]);

    // The versions tab lists both; nobody is on either now.
    await page.getByTestId('journey-tab-versions').click();
    await expect.poll(() => page.getByTestId('journey-version-row').count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByTestId('journey-version-row').first().getAttribute('data-version')).toBe('2');
    await page.context().close();
  });

  it('lets the manager record that a message whose sending timed out was not sent; the customer goes on', async () => {
    const created = await bff.call('POST', '/api/staff/journeys', {
      token: lina.accessToken,
      body: {
        name: '复诊短信',
        definition: {
          entry: { kind: 'triggered', event: 'tag.added', where: [{ property: 'name', op: 'eq', value: '复诊短信' }] },
          start: 'sms',
          steps: [
            { id: 'sms', type: 'send_sms', templateCode: 'SMS_REVISIT', marketing: false, next: 'after' },
            { id: 'after', type: 'add_tag', tag: '已提醒复诊' },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
    await bff.call('POST', `/api/staff/journeys/${created.body.id}/enable`, { token: lina.accessToken });
    const phoned = await bff.call('PATCH', `/api/staff/customers/${patientId}`, {
      token: lina.accessToken,
      body: { phone: '13912345678' },
    });
    expect(phoned.status).toBe(200);
    const enrolled = await bff.call('POST', `/api/staff/journeys/${created.body.id}/enrolments`, {
      token: lina.accessToken,
      body: { customerId: patientId },
    });
    expect(enrolled.body.outcome).toBe('enrolled');
    // The SMS provider's call times out: whether the text went out is unknown, so it is never sent again.
    setJourneySmsProvider({
      name: 'timing-out',
      send: () => Promise.reject(new Error('ETIMEDOUT')),
    });
    try {
      expect((await engine(t0)).inDoubt).toBe(1);
    } finally {
      setJourneySmsProvider(null);
    }

    const page = await workbench('#journeys/in-doubt');
    const row = page.getByTestId('in-doubt-row');
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.textContent()).toContain('复诊短信');
    expect(await row.textContent()).toContain(PATIENT);
    expect(await row.textContent()).toContain('发送短信');
    await screenshot(page, 'journeys-in-doubt');
    await row.getByTestId('in-doubt-not-sent').click();
    await expect.poll(() => page.getByTestId('in-doubt-empty').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('journey-in-doubt-outcome').textContent()).toContain('不会重发');
    await page.context().close();

    await engine(new Date(t0.getTime() + MINUTE));
    const journeys = await bff.call('GET', `/api/staff/customers/${patientId}/journeys`, { token: lina.accessToken });
    expect(journeys.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          journeyId: created.body.id,
          status: 'completed',
          step: expect.objectContaining({ id: 'after' }),
        }),
      ]),
    );
    const sent = await bff.call('GET', '/sandbox/control/sms/messages?phone=13912345678');
    expect(sent.body.items).toEqual([]);
  });

  it('lets a consultant read the journey and its steps, without editing or enabling', async () => {
    const page = await workbench('', { userid: 'zhangwei', name: '张伟' });
    await page.getByTestId('nav-journeys').click();
    const row = page.locator(`[data-testid="journey-row"][data-journey-id="${journeyId}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('journeys-nav-in-doubt').count()).toBe(0);
    expect(await page.getByTestId('journey-new-open').count()).toBe(0);
    await row.getByTestId('journey-open').click();
    await expect.poll(() => page.getByTestId('journey-readonly').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('journey-save').count()).toBe(0);
    expect(await page.getByTestId('journey-pause').count()).toBe(0);
    await node(page, 'call').click();
    const panel = page.getByTestId('journey-step-panel');
    expect(await panel.getByTestId('step-title').isDisabled()).toBe(true);
    expect(await panel.getByTestId('step-insert').count()).toBe(0);
    await page.context().close();
  });
});
