/**
 * The timeline page names the staff its events name, so the sidebar can say who did what even when the profile
 * (owner, tag setters, followers) does not mention them: the manager who tagged a customer or wrote a note, the
 * consultants a task moved between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInNewPatient, signInStaff, startTestBff, type TestBff } from '../support/bff';

type Staff = { accessToken: string; staff: { id: string; name: string } };

let bff: TestBff;
let manager: Staff;
let consultant: Staff;
let colleague: Staff;
beforeAll(async () => {
  bff = await startTestBff('timeline-staff-names');
  manager = await signInStaff(bff, 'lina');
  consultant = await signInStaff(bff, 'zhangwei');
  colleague = await signInStaff(bff, 'wangfang');
});
afterAll(() => bff?.close());

interface Page {
  items: { type: string; actor: string | null; properties: Record<string, unknown> }[];
  staffNames: Record<string, string>;
}

async function timeline(customerId: string, token: string, types?: string): Promise<Page> {
  const query = types ? `?types=${types}` : '';
  const response = await bff.call('GET', `/api/staff/customers/${customerId}/timeline${query}`, { token });
  expect(response.status).toBe(200);
  return response.body as Page;
}

describe('staff names on the timeline page', () => {
  it('names the manager who tagged the customer and wrote a note, on the consultant’s page', async () => {
    const patient = await signInNewPatient(bff);
    const customerId = patient.customer.id;
    const tagged = await bff.call('POST', `/api/staff/customers/${customerId}/tags`, {
      token: manager.accessToken,
      body: { name: '老带新客户' },
    });
    expect(tagged.status).toBeLessThan(300);
    const noted = await bff.call('POST', `/api/staff/customers/${customerId}/notes`, {
      token: manager.accessToken,
      body: { text: '周末方便来店，优先安排上午' },
    });
    expect(noted.status).toBe(201);

    const page = await timeline(customerId, consultant.accessToken);
    const byManager = page.items.filter((item) => item.actor === manager.staff.id).map((item) => item.type);
    expect(byManager.sort()).toEqual(['note.added', 'tag.added']);
    expect(page.staffNames).toEqual({ [manager.staff.id]: '李娜' });
  });

  it('names the consultants a task moved between, and the manager who moved it', async () => {
    const patient = await signInNewPatient(bff);
    const created = await bff.call('POST', '/api/staff/tasks', {
      token: manager.accessToken,
      body: {
        customerId: patient.customer.id,
        type: 'follow_up_call',
        title: '初诊后电话回访',
        dueAt: new Date(Date.now() + 86_400_000).toISOString(),
        assigneeStaffId: consultant.staff.id,
      },
    });
    expect(created.status).toBe(201);
    const moved = await bff.call('POST', `/api/staff/tasks/${created.body.id}/reassign`, {
      token: manager.accessToken,
      body: { staffId: colleague.staff.id },
    });
    expect(moved.status).toBe(200);

    const page = await timeline(patient.customer.id, colleague.accessToken, 'task.created,task.reassigned');
    expect(page.items.find((item) => item.type === 'task.reassigned')?.properties).toMatchObject({
      fromStaffId: consultant.staff.id,
      toStaffId: colleague.staff.id,
    });
    expect(page.staffNames).toEqual({
      [manager.staff.id]: '李娜',
      [consultant.staff.id]: '张伟',
      [colleague.staff.id]: '王芳',
    });
  });

  it('carries no names for a page of the customer’s own events', async () => {
    const patient = await signInNewPatient(bff);
    const page = await timeline(patient.customer.id, consultant.accessToken);
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((item) => item.actor === null)).toBe(true);
    expect(page.staffNames).toEqual({});
  });
});
