/**
 * The demo organisation's content: patient education in a few categories, a video, and an academic article for
 * verified HCPs only, each written by a consultant, approved by the manager and published through the services.
 */
import type { CreateContentRequest } from '@careloop/shared';
import { createContent, publishContent, reviewContent, submitContent, type Editor } from './service';

const DEMO_CONTENT: CreateContentRequest[] = [
  {
    kind: 'article',
    title: '牙齿矫正前你需要知道的 5 件事',
    summary: '矫正需要多久、疼不疼、隐形矫正和传统托槽怎么选。',
    coverUrl: null,
    category: 'ortho',
    tags: ['矫正', '青少年'],
    audience: 'patient',
    body:
      '<h2>1. 矫正需要多久？</h2><p>多数病例需要 <strong>18–24 个月</strong>，复杂病例更长。</p>' +
      '<h2>2. 疼不疼？</h2><p>戴上或调整后的 3–5 天会有酸胀感，之后会逐渐适应。</p>' +
      '<h2>3. 隐形还是托槽？</h2><ul><li>隐形矫正：美观、可摘戴，需要自律</li><li>金属托槽：适应症广、费用较低</li></ul>' +
      '<h2>4. 需要拔牙吗？</h2><p>取决于拥挤程度和面型，由医生面诊后决定。</p>' +
      '<h2>5. 保持器</h2><p>矫正结束后要<em>坚持佩戴保持器</em>，防止牙齿回弹。</p>',
    video: null,
  },
  {
    kind: 'article',
    title: '正确刷牙：巴氏刷牙法图解',
    summary: '每天两次、每次两分钟，刷牙的方法比力度更重要。',
    coverUrl: null,
    category: 'hygiene',
    tags: ['刷牙', '口腔卫生'],
    audience: 'public',
    body:
      '<p>巴氏刷牙法（Bass 法）能有效清洁牙龈沟。</p><ol><li>刷毛与牙面呈 45°，指向牙龈</li>' +
      '<li>水平短距离颤动 10 次左右</li><li>再向咬合面方向拂刷</li></ol><p>记得每 3 个月更换一次牙刷。</p>',
    video: null,
  },
  {
    kind: 'video',
    title: '三分钟学会使用牙线',
    summary: '牙刷刷不到的牙缝，交给牙线。',
    coverUrl: null,
    category: 'hygiene',
    tags: ['牙线', '口腔卫生'],
    audience: 'public',
    body: '<p>跟着视频一步一步来：取约 40 厘米牙线，缠在两手中指上，贴着牙面呈 C 形上下刮动。</p>',
    video: { url: 'https://media.example.com/careloop/demo/flossing.mp4', durationSeconds: 180 },
  },
  {
    kind: 'article',
    title: '种植牙术后护理指南',
    summary: '术后 24 小时、一周、三个月分别要注意什么。',
    coverUrl: null,
    category: 'implant',
    tags: ['种植', '术后护理'],
    audience: 'patient',
    body:
      '<h2>术后 24 小时</h2><p>咬紧纱布 30–40 分钟，当天不要漱口、不要吸吮伤口。</p>' +
      '<h2>第一周</h2><p>进食温凉软食，避免用手术侧咀嚼；按医嘱服药。</p>' +
      '<h2>三个月内</h2><p>保持口腔清洁，按时复诊，<strong>戒烟</strong>有助于骨结合。</p>',
    video: null,
  },
  {
    kind: 'article',
    title: '种植体周围炎的诊断与治疗进展：共识解读',
    summary: '面向口腔医师的学术解读：诊断标准、非手术与手术治疗的循证要点。',
    coverUrl: null,
    category: 'academic',
    tags: ['种植', '学术'],
    audience: 'hcp',
    body:
      '<h2>诊断标准</h2><p>探诊出血和/或溢脓，伴随与初始骨改建相比的进行性骨吸收。</p>' +
      '<h2>治疗</h2><ul><li>非手术治疗：机械清创，辅以局部抗菌</li><li>手术治疗：翻瓣清创、再生或切除性手术</li></ul>' +
      '<p>本文仅供医疗专业人士学术交流使用。</p>',
    video: null,
  },
];

/** Creates and publishes the demo content: written by `author`, approved by `reviewer` (a manager). */
export async function seedDemoContent(organisationId: string, staff: { author: string; reviewer: string }) {
  const author: Editor = { id: staff.author, organisationId, roles: ['staff'] };
  const reviewer: Editor = { id: staff.reviewer, organisationId, roles: ['admin', 'manager'] };
  for (const item of DEMO_CONTENT) {
    const draft = await createContent(author, item);
    await submitContent(author, draft.id);
    await reviewContent(reviewer, draft.id, { decision: 'approve', comment: '内容准确，可以发布' });
    await publishContent(author, draft.id);
  }
}
