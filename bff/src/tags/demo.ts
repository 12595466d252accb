/**
 * The demo organisation's tag library: two groups, intent tags that chat keywords apply, and four of the clinic
 * example rules as dynamic tags (their first computation is queued; the scheduled resume runs it). The fifth,
 * *no-show in 6 months*, is left for a manager to create in the workbench.
 */
import { createGroup, insertTag } from './library';
import { EXAMPLE_RULES } from './examples';
import { requestRecompute } from './recompute';

export async function seedDemoTags(organisationId: string): Promise<void> {
  const intent = await createGroup(organisationId, { name: '意向', colour: '#1f8a70' });
  const lifecycle = await createGroup(organisationId, { name: '生命周期', colour: '#c2571a' });
  await insertTag(organisationId, {
    name: '种植意向',
    kind: 'static',
    groupId: intent.id,
    description: '咨询过种植牙，有种植意向',
    keywords: ['种植', '种牙', 'implant'],
  });
  await insertTag(organisationId, {
    name: '正畸意向',
    kind: 'static',
    groupId: intent.id,
    description: '咨询过牙齿矫正，有正畸意向',
    keywords: ['正畸', '矫正', '牙套', 'braces'],
  });
  await insertTag(organisationId, {
    name: '重点客户',
    kind: 'static',
    groupId: lifecycle.id,
    applyBy: 'managers',
    description: '重点维护的客户，由店长认定',
  });
  for (const example of EXAMPLE_RULES.filter((rule) => rule.key !== 'no_show_6_months')) {
    const tag = await insertTag(organisationId, {
      name: example.name,
      kind: 'dynamic',
      groupId: lifecycle.id,
      description: example.description,
      rule: example.rule,
    });
    await requestRecompute(organisationId, String(tag._id));
  }
}
