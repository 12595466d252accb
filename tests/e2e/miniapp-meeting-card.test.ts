/**
 * A meeting card in the mini-program's meeting list (H5 build on the sandbox, served by the real BFF, in Chromium)
 * says what the money is for: a paid meeting's card reads `报名费 ¥29.90`, a free one's `免费`.
 */
import { describe, expect, it } from 'vitest';
import { screenshot } from '../support/browser';
import { miniappE2eContext, openHomeOnNewPhone, openMiniappPage } from '../support/miniappE2e';
import { publishPaidMeeting } from '../support/paidMeetings';

const e2e = miniappE2eContext('e2e-miniapp-meeting-card');

describe('meeting cards in the mini-program', () => {
  it('label a paid meeting’s fee as the sign-up fee and a free meeting as free', async () => {
    const paid = await publishPaidMeeting(e2e.bff, e2e, { title: '儿童涂氟体验课（付费）', feeFen: 2_990 });
    const free = await publishPaidMeeting(e2e.bff, e2e, { title: '社区口腔义诊', feeFen: 0 });
    const page = await openHomeOnNewPhone(e2e);
    await openMiniappPage(e2e, page, 'subpackages/meetings/pages/list/index');

    const card = (id: string) => page.locator(`[data-testid="meeting-card"][data-meeting-id="${id}"]`);
    await card(paid.id).waitFor({ state: 'visible', timeout: 15_000 });
    expect(await card(paid.id).getByTestId('meeting-card-fee').textContent()).toBe('报名费 ¥29.90');
    expect(await card(free.id).getByTestId('meeting-card-fee').textContent()).toBe('免费');
    await screenshot(page, 'miniapp-meeting-card-fee');
    await page.context().close();
  });
});
