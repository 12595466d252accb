/**
 * Follow-up tasks for staff, on the real builds served by the real BFF, in Chromium: a consultant completes a task in
 * the chat sidebar (emulated WeCom context) and it reaches the customer's timeline; the consultant creates one by hand
 * and works through today's list; a task cancelled meanwhile says why it cannot be completed; the manager sees the
 * completion on the workbench's task board and in the completion leaderboard, and hands a member's work over.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONTENDS } from '../../tools/frontends';
import { launchBrowser, SCREENSHOTS, screenshot } from '../support/browser';
import { signInStaff, startTestBff, type TestBff } from '../support/bff';

let bff: TestBff;
let browser: Browser;
let lina: { accessToken: string };
let zhangweiId: string;
let zhaoMinId: string;

beforeAll(async () => {
  bff = await startTestBff('e2e_tasks_staff', { wecom: FRONTENDS[1].output });
  browser = await launchBrowser();
  lina = await signInStaff(bff, 'lina');
  const zhangwei = await signInStaff(bff, 'zhangwei');
  zhangweiId = zhangwei.staff.id;
  const zhaoMin = await bff.call('GET', '/api/staff/customers/by-external/wmDemoZhaoMin', {
    token: lina.accessToken,
  });
  expect(zhaoMin.status).toBe(200);
  zhaoMinId = zhaoMin.body.id;
});
afterAll(async () => {
  await browser?.close();
  await bff?.close();
});

const TITLE = '种植方案电话回访';
const SCRIPT = '您好，我是微笑齿科的张伟。上次的种植方案您还有什么疑问吗？';
const NOTE = '已电话沟通，下周三来院复诊';

/** Before the end of today in Shanghai (the organisation's zone), so today's figures count it; two hours at most. */
function laterToday(): string {
  const now = Date.now();
  const shanghai = new Date(now + 8 * 3_600_000);
  const endOfDay =
    Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth(), shanghai.getUTCDate() + 1) - 8 * 3_600_000;
  return new Date(Math.min(now + 2 * 3_600_000, endOfDay - 60_000)).toISOString();
}

/** A task for 赵敏 as a manager creates it through the staff API (assigned to zhangwei, who added her on WeCom). */
async function createZhaoMinTask(title: string) {
  const created = await bff.call('POST', '/api/staff/tasks', {
    token: lina.accessToken,
    body: {
      customerId: zhaoMinId,
      type: 'follow_up_call',
      title,
      script: SCRIPT,
      priority: 'high',
      dueAt: laterToday(),
    },
  });
  expect(created.status).toBe(201);
  expect(created.body.assignee).toMatchObject({ id: zhangweiId, name: '张伟' });
  return created.body as { id: string };
}

/** WeCom gives the chat sidebar about 360px. */
async function sidebarPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, deviceScaleFactor: 2 });
  return context.newPage();
}

async function openContact(page: Page, staffUserId: string, name: string) {
  await page.goto(`${bff.url}/wecom/`);
  await page.getByTestId('emulated-staff-select').selectOption(staffUserId);
  await page.getByTestId('contact-search').fill(name);
  await page.getByTestId('contact-result').filter({ hasText: name }).first().click();
  await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 15_000 }).toBe(name);
}

async function fullScreenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const taskRow = (page: Page, id: string) => page.locator(`[data-testid="task-row"][data-task-id="${id}"]`);

describe('follow-up tasks in the sidebar and the workbench', () => {
  let taskId: string;

  it('lets the consultant complete 赵敏’s task with an outcome, which reaches her timeline', async () => {
    taskId = (await createZhaoMinTask(TITLE)).id;
    const page = await sidebarPage();
    await openContact(page, 'zhangwei', '赵敏');

    const row = taskRow(page, taskId);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.getAttribute('data-status')).toBe('open');
    expect(await row.getByTestId('task-title').textContent()).toBe(TITLE);
    expect(await row.getByTestId('task-type').textContent()).toBe('电话回访');
    expect(await row.getByTestId('task-due').textContent()).toMatch(/^今天 \d\d:\d\d/);
    // The script is folded until asked for.
    expect(await row.getByTestId('task-script').isVisible()).toBe(false);
    await row.getByTestId('task-script-toggle').click();
    expect(await row.getByTestId('task-script').textContent()).toBe(SCRIPT);
    // The demo's own task for her is there too, earliest due first.
    expect(await page.getByTestId('task-row').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('种植咨询后电话回访')]),
    );
    await page.getByTestId('tasks').scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-tasks');

    await row.getByTestId('task-complete').click();
    // Confirming without an outcome says what is missing.
    await row.getByTestId('task-complete-confirm').click();
    expect(await row.getByTestId('task-complete-form').textContent()).toContain('请选择回访结果');
    await row.locator('[data-testid="task-outcome"][value="reached"]').check();
    await row.getByTestId('task-note').fill(NOTE);
    await row.getByTestId('task-complete-form').scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-task-complete-form');
    await row.getByTestId('task-complete-confirm').click();

    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('completed');
    expect(await row.getByTestId('task-message').textContent()).toBe('已完成：已联系上');
    expect(await row.getByTestId('task-result').textContent()).toContain(NOTE);
    expect(await row.getByTestId('task-complete').count()).toBe(0);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-task-completed');

    // The timeline loads again: the completion is its newest event, with the outcome.
    const completed = page.locator('[data-testid="timeline-item"][data-type="task.completed"]');
    await expect.poll(() => completed.count(), { timeout: 10_000 }).toBe(1);
    expect(await completed.textContent()).toContain('完成回访任务');
    expect(await completed.textContent()).toContain('结果：已联系上');
    expect(await page.getByTestId('timeline-item').first().getAttribute('data-type')).toBe('task.completed');
    await completed.scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-task-timeline');
    await page.context().close();

    const stored = await bff.call('GET', `/api/staff/tasks/${taskId}`, { token: lina.accessToken });
    expect(stored.body).toMatchObject({ status: 'completed', outcome: 'reached', note: NOTE });
    expect(stored.body.completedBy).toMatchObject({ id: zhangweiId });
  });

  it('creates a follow-up by hand for the customer’s owner, and lists today’s tasks with the overdue in red', async () => {
    const page = await sidebarPage();
    await openContact(page, 'zhangwei', '赵敏');
    await expect.poll(() => page.getByTestId('task-row').count(), { timeout: 10_000 }).toBeGreaterThan(0);

    await page.getByTestId('task-new').click();
    await page.getByTestId('task-form-type').selectOption('post_treatment_check');
    await page.getByTestId('task-form-title').fill('复诊前回访');
    await page.getByTestId('task-form-priority').selectOption('high');
    // Due yesterday is refused before anything is sent.
    const due = await page.getByTestId('task-form-due').inputValue();
    expect(due).toMatch(/^\d{4}-\d\d-\d\dT10:00$/);
    await page.getByTestId('task-form-due').fill('2020-01-01T10:00');
    await page.getByTestId('task-form-submit').click();
    expect(await page.getByTestId('task-form').textContent()).toContain('到期时间不能早于现在');
    await page.getByTestId('task-form-due').fill(due);
    await page.getByTestId('task-form-script').fill('询问术后恢复情况，提醒按时复诊。');
    await screenshot(page, 'sidebar-task-new');
    await page.getByTestId('task-form-submit').click();

    await expect
      .poll(() => page.getByTestId('task-created').textContent(), { timeout: 10_000 })
      .toContain('负责人：张伟');
    const made = page.getByTestId('task-row').filter({ hasText: '复诊前回访' });
    expect(await made.getByTestId('task-type').textContent()).toBe('治疗后回访');
    expect(await made.getByTestId('task-due').textContent()).toBe('明天 10:00');
    expect(await made.textContent()).toContain('高优先');

    // 我的今日任务: 孙磊's check was due yesterday, so it heads the list in red.
    await page.getByTestId('sidebar-tab-today').click();
    const overdue = page.getByTestId('today-overdue').getByTestId('task-row').filter({ hasText: '洗牙后 7 天回访' });
    await expect.poll(() => overdue.count(), { timeout: 10_000 }).toBe(1);
    expect(await overdue.getAttribute('data-overdue')).toBe('true');
    expect(await overdue.getByTestId('task-due').getAttribute('class')).toContain('task__due--overdue');
    expect(await overdue.getByTestId('task-due').textContent()).toMatch(/^昨天 10:00 · 逾期 \d+ (小时|天)$/);
    const color = await overdue.getByTestId('task-due').evaluate((element) => getComputedStyle(element).color);
    expect(color).toBe('rgb(198, 40, 40)');
    // Tomorrow's task is not today's; the one completed earlier is gone.
    const today = await page.getByTestId('today-tasks').textContent();
    expect(today).not.toContain('复诊前回访');
    expect(today).not.toContain(TITLE);
    expect(await page.getByTestId('today-count').textContent()).toMatch(/^\d+$/);
    await screenshot(page, 'sidebar-today-tasks');

    // Opening the task's customer makes them the chat's contact.
    await overdue.getByTestId('today-task-customer').click();
    await expect.poll(() => page.getByTestId('contact-name').textContent(), { timeout: 10_000 }).toBe('孙磊');
    await expect
      .poll(() => page.getByTestId('tasks').getByTestId('task-title').allTextContents(), { timeout: 10_000 })
      .toContain('洗牙后 7 天回访');
    await page.context().close();
  });

  it('says TASK_NOT_OPEN when a manager cancelled the task while the consultant was completing it', async () => {
    const { id } = await createZhaoMinTask('需取消的回访');
    const page = await sidebarPage();
    await openContact(page, 'zhangwei', '赵敏');
    const row = taskRow(page, id);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    await row.getByTestId('task-complete').click();
    await row.locator('[data-testid="task-outcome"][value="not_reached"]').check();

    const cancelled = await bff.call('POST', `/api/staff/tasks/${id}/cancel`, {
      token: lina.accessToken,
      body: { reason: '客户已转院' },
    });
    expect(cancelled.status).toBe(200);
    await row.getByTestId('task-complete-confirm').click();

    const message = row.getByTestId('task-message');
    await expect.poll(() => message.getAttribute('data-state'), { timeout: 10_000 }).toBe('error');
    expect(await message.textContent()).toContain('已被取消');
    expect(await message.textContent()).toContain('TASK_NOT_OPEN');
    // The list was read again: the row says how the task stands now.
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 10_000 }).toBe('cancelled');
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, 'sidebar-task-not-open');
    await page.context().close();
  });

  it('shows the manager the completed task on the board and counts it in the leaderboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${bff.url}/wecom/workbench/`);
    await page.getByTestId('emulated-staff-select').selectOption('lina');
    await expect.poll(() => page.getByTestId('staff-name').textContent(), { timeout: 15_000 }).toBe('李娜');
    await page.getByTestId('nav-tasks').click();

    // The board starts on the team's open tasks; the completed one shows under 已完成.
    const board = page.getByTestId('task-board');
    await expect.poll(() => board.getByTestId('board-row').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.locator(`[data-testid="board-row"][data-task-id="${taskId}"]`).count()).toBe(0);
    await page.getByTestId('board-filter-status').selectOption('completed');
    await page.getByTestId('board-filter-assignee').selectOption(zhangweiId);
    const row = page.locator(`[data-testid="board-row"][data-task-id="${taskId}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(await row.getAttribute('data-status')).toBe('completed');
    expect(await row.getByTestId('board-status').textContent()).toBe('已完成');
    expect(await row.getByTestId('board-customer').textContent()).toBe('赵敏');
    expect(await row.getByTestId('board-result').textContent()).toContain('已联系上');
    expect(await row.getByTestId('board-result').textContent()).toContain(NOTE);
    // Completed tasks cannot be reassigned or cancelled.
    expect(await row.getByTestId('board-reassign').count()).toBe(0);
    await screenshot(page, 'workbench-task-board-completed');

    // Open tasks can: the manager gives 孙磊's overdue check to 王芳.
    await page.getByTestId('board-filter-status').selectOption('overdue');
    const sunLei = board.getByTestId('board-row').filter({ hasText: '孙磊' });
    await expect.poll(() => sunLei.count(), { timeout: 10_000 }).toBe(1);
    expect(await sunLei.getAttribute('data-phase')).toBe('overdue');
    await sunLei.getByTestId('board-reassign-select').selectOption({ label: '王芳' });
    await sunLei.getByTestId('board-reassign').click();
    await expect
      .poll(() => page.getByTestId('board-outcome').textContent(), { timeout: 10_000 })
      .toContain('转交给 王芳');
    expect(await sunLei.getByTestId('board-assignee').textContent()).toBe('王芳');
    await screenshot(page, 'workbench-task-board-reassigned');

    // The leaderboard (tasks due in the last 30 days to the end of today) counts the completion for 张伟.
    await page.getByTestId('tasks-nav-stats').click();
    const zhangwei = page.locator(`[data-testid="task-stats-row"][data-staff-id="${zhangweiId}"]`);
    await expect.poll(() => zhangwei.count(), { timeout: 10_000 }).toBe(1);
    const metric = (name: string) => zhangwei.locator(`[data-metric="${name}"]`).textContent();
    // His: the completed task and the demo's task for 赵敏 today (孙磊's went to 王芳, the cancelled one is out).
    expect(await metric('completed')).toBe('1');
    expect(await metric('assigned')).toBe('2');
    expect(await metric('completionRate')).toBe('50%');
    expect(await metric('medianMinutesToComplete')).toMatch(/^\d+ 分钟$/);
    await expect
      .poll(() => page.getByTestId('task-stats-chart').locator('canvas').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await page.getByTestId('task-stats-total').locator('[data-metric="completed"] dd').textContent()).toBe('1');
    await fullScreenshot(page, 'workbench-task-stats');
    await context.close();
  });

  it('lets the manager hand a member’s work to a successor and follow each contact’s transfer', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${bff.url}/wecom/workbench/#tasks/handover`);
    await page.getByTestId('emulated-staff-select').selectOption('lina');
    await expect.poll(() => page.getByTestId('staff-name').textContent(), { timeout: 15_000 }).toBe('李娜');

    const form = page.getByTestId('handover-form');
    await expect.poll(() => form.isVisible(), { timeout: 10_000 }).toBe(true);
    // Nothing is sent until the leaver, the successor and the WeCom status are given.
    await page.getByTestId('handover-start').click();
    expect(await form.textContent()).toContain('请选择离职员工');
    await expect.poll(() => page.getByTestId('handover-from').locator('option').count()).toBeGreaterThan(2);
    await page.getByTestId('handover-from').selectOption({ label: '王芳' });
    await page.getByTestId('handover-to').selectOption({ label: '陈杰' });
    await page.locator('[data-testid="handover-resigned"][value="no"]').check();
    await page.getByTestId('handover-start').click();
    expect(await page.getByTestId('handover-confirm-text').textContent()).toContain('在职继承');
    await screenshot(page, 'workbench-handover-confirm');
    await page.getByTestId('handover-confirm').click();

    // The handover's own page: 王芳's tasks (the demo's 吴建国 message and 孙磊's check) moved, her WeCom contact waits.
    await expect.poll(() => page.url(), { timeout: 10_000 }).toMatch(/#tasks\/handover\/[0-9a-f]{24}$/);
    const progress = page.getByTestId('handover-progress');
    await expect.poll(() => progress.getByTestId('handover-tasks-moved').textContent(), { timeout: 10_000 }).toBe('2');
    expect(await progress.getByTestId('handover-status').getAttribute('data-status')).toBe('in_progress');
    const waiting = progress.locator('[data-testid="handover-state"][data-state="waiting"]');
    expect(await waiting.textContent()).toBe('等待接替 1');
    expect(await progress.getByTestId('handover-contact-row').getAttribute('data-state')).toBe('waiting');
    await page.getByTestId('handover-refresh').click();
    await expect
      .poll(() => page.getByTestId('handover-refresh-result').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('ok');
    await fullScreenshot(page, 'workbench-handover-progress');

    const tasks = await bff.call('GET', '/api/staff/tasks?status=open&assignee=me', {
      token: (await signInStaff(bff, 'chenjie')).accessToken,
    });
    expect((tasks.body.items as { title: string }[]).map((task) => task.title)).toEqual(
      expect.arrayContaining(['洗牙后 7 天回访', '转发学术会议邀请']),
    );
    await context.close();
  });
});
