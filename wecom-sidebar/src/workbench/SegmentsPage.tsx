/**
 * 人群圈选: segments — customers selected by tags (has / lacks), attributes and behaviour, with the rule language of
 * dynamic tags. The builder shows the live count and the first customers as the conditions change; a segment is saved
 * with a name (`#segments/<id>`), materialised as a fixed customer list (for journeys and mass sends) and exported as
 * CSV (fetched with the staff token). Managers and admins only: the BFF admits no one else to the preview.
 */
import type { StaffProfile } from '@careloop/shared';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { formatDateTime } from '../profile/format';
import { FieldError, OutcomeLine, TextField, type Outcome } from '../shell/Field';
import { fetchBlob } from '../shell/runtime';
import { useDraft } from '../shell/useDraft';
import { useResource } from '../shell/useResource';
import { csvFilename, saveBlob } from '../tags/download';
import { explainTagError } from '../tags/errors';
import { segmentHref, type SegmentRoute } from '../tags/nav';
import { buildRule, draftFromRule, emptyRuleDraft, type DraftNode, type GroupDraft } from '../tags/ruleDraft';
import { tagsApi } from '../tags/runtime';
import type { CustomerListMembers, MaterialisedList, Segment } from '../tags/types';
import { RuleForm, RulePreview, RuleReading, useRuleOptions } from './TagRuleEditor';

const explainLoad = (reason: unknown) => explainTagError(reason, 'load');
const SEGMENT_LIMITS = { name: 40, description: 500 } as const;

interface SegmentDraft {
  name: string;
  description: string;
}

type SegmentField = keyof SegmentDraft | 'rule';

function MaterialisePanel({ segment }: { segment: Segment }) {
  const [list, setList] = useState<MaterialisedList | null>(null);
  const [members, setMembers] = useState<CustomerListMembers | null>(null);
  const [busy, setBusy] = useState<'materialise' | 'export' | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const materialise = async () => {
    setBusy('materialise');
    setOutcome(null);
    try {
      const created = await tagsApi.materialise(segment.id);
      // The list and its first customers appear together; the list stays even if its page cannot be read.
      const page = await tagsApi.listMembers(created.id).catch((reason: unknown) => {
        setOutcome({ kind: 'error', text: `名单已生成，但无法读取名单客户：${explainTagError(reason, 'segment')}` });
        return null;
      });
      setList(created);
      setMembers(page);
      if (page) setOutcome({ kind: 'ok', text: `已生成名单：${created.count} 位客户` });
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainTagError(reason, 'segment') });
    } finally {
      setBusy(null);
    }
  };

  const exportCsv = async () => {
    setBusy('export');
    setOutcome(null);
    try {
      const blob = await fetchBlob(tagsApi.exportPath(segment.id));
      saveBlob(blob, csvFilename(segment.name));
      setOutcome({ kind: 'ok', text: '已导出 CSV。 Exported.' });
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainTagError(reason, 'segment') });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-label="名单与导出 Lists and export" data-testid="segment-actions">
      <h2 className="card__title">
        名单与导出 <span className="muted small">List · CSV</span>
      </h2>
      <p className="muted small">名单是此刻的固定客户列表，供旅程和群发使用；之后的变化不影响它。</p>
      <div className="row segment-actions__buttons">
        <button
          type="button"
          className="button button--primary"
          data-testid="segment-materialise"
          disabled={busy !== null}
          onClick={() => void materialise()}
        >
          {busy === 'materialise' ? '生成中…' : '生成名单 Materialise'}
        </button>
        <button
          type="button"
          className="button"
          data-testid="segment-export"
          disabled={busy !== null}
          onClick={() => void exportCsv()}
        >
          {busy === 'export' ? '导出中…' : '导出 CSV Export'}
        </button>
      </div>
      {list ? (
        <div className="segment-list" data-testid="segment-list" data-list-id={list.id} data-count={list.count}>
          <p>
            名单「{list.name}」· <strong>{list.count}</strong> 位客户 · {list.status === 'ready' ? '已就绪' : '生成中'}{' '}
            · 计算于 {formatDateTime(list.evaluatedAt)}
          </p>
          {members?.items.length ? (
            <ul className="plain-list small">
              {members.items.map((customer) => (
                <li key={customer.id} data-testid="segment-list-member">
                  {customer.name ?? '（未命名）'}
                </li>
              ))}
              {members.nextCursor ? <li className="muted">……</li> : null}
            </ul>
          ) : null}
        </div>
      ) : null}
      <OutcomeLine outcome={outcome} testId="segment-actions-result" />
    </section>
  );
}

function SegmentList({ segments, currentId }: { segments: Segment[] | null; currentId: string | null }) {
  return (
    <section className="card" aria-label="已保存的人群 Saved segments">
      <div className="day__head">
        <h2 className="card__title">
          已保存的人群 <span className="muted small">Saved · {segments?.length ?? 0}</span>
        </h2>
        <a href={segmentHref()} className="link-button" data-testid="segment-new">
          ＋ 新建
        </a>
      </div>
      {segments === null ? (
        <p className="muted">加载中… Loading</p>
      ) : segments.length ? (
        <ul className="segment-items">
          {segments.map((segment) => (
            <li key={segment.id}>
              <a
                href={segmentHref(segment.id)}
                className={`segment-item${segment.id === currentId ? ' segment-item--current' : ''}`}
                data-testid="segment-item"
                data-segment-id={segment.id}
              >
                <strong>{segment.name}</strong>
                <span className="muted small">
                  {segment.description || '—'} · 更新于 {formatDateTime(segment.updatedAt)}
                </span>
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted" data-testid="segments-empty">
          还没有保存的人群。 No segments yet.
        </p>
      )}
    </section>
  );
}

export function SegmentsPage({ route }: { staff: StaffProfile; route: SegmentRoute }) {
  const segmentId = route.kind === 'segment' ? route.id : null;
  const segments = useResource('segments', tagsApi.segments, explainLoad);
  const library = useResource('tag-library', tagsApi.library, explainLoad);
  const segment = useResource(
    segmentId ? `segment:${segmentId}` : null,
    () => tagsApi.segment(segmentId!),
    explainLoad,
  );
  const { options, names } = useRuleOptions(library.data);

  const { draft, errors, bind, setErrors, reset } = useDraft<SegmentDraft, SegmentField>(() => ({
    name: '',
    description: '',
  }));
  const [root, setRoot] = useState<GroupDraft>(emptyRuleDraft);
  const [showErrors, setShowErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const saved = segment.data;
  const loadedId = saved?.id ?? null;
  useEffect(() => {
    if (!saved) return;
    reset({ name: saved.name, description: saved.description });
    setRoot(draftFromRule(saved.rule));
    setShowErrors(false);
    // Only when another segment is loaded.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loadedId]);

  const built = useMemo(() => buildRule(root), [root]);
  const rule = built.ok ? built.rule : null;
  const changeRule = useCallback((change: (node: DraftNode) => DraftNode) => {
    setRoot((current) => change(current) as GroupDraft);
    setOutcome(null);
  }, []);

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    setShowErrors(true);
    const name = draft.name.trim();
    const description = draft.description.trim();
    const fieldErrors: Partial<Record<SegmentField, string>> = {};
    if (!name) fieldErrors.name = '请输入人群名称';
    else if ([...name].length > SEGMENT_LIMITS.name) fieldErrors.name = `名称最多 ${SEGMENT_LIMITS.name} 个字`;
    if ([...description].length > SEGMENT_LIMITS.description) {
      fieldErrors.description = `说明最多 ${SEGMENT_LIMITS.description} 个字`;
    }
    if (!rule) fieldErrors.rule = '请完成条件';
    if (Object.keys(fieldErrors).length || !rule) {
      setErrors(fieldErrors);
      return;
    }
    setSaving(true);
    try {
      if (saved) {
        const updated = await tagsApi.updateSegment(saved.id, { name, description, rule });
        segment.patch(() => updated);
        segments.patch((list) => list.map((item) => (item.id === updated.id ? updated : item)));
        setOutcome({ kind: 'ok', text: '已保存。 Saved.' });
      } else {
        const created = await tagsApi.createSegment({ name, description, rule });
        segments.patch((list) => [created, ...list]);
        window.location.hash = segmentHref(created.id);
      }
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainTagError(reason, 'segment') });
    } finally {
      setSaving(false);
    }
  };

  const remove = async () => {
    if (!saved) return;
    setSaving(true);
    try {
      await tagsApi.deleteSegment(saved.id);
      segments.patch((list) => list.filter((item) => item.id !== saved.id));
      window.location.hash = segmentHref();
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainTagError(reason, 'segment') });
    } finally {
      setSaving(false);
      setConfirmingDelete(false);
    }
  };

  const missing = segmentId && segment.state.status === 'failed';
  return (
    <div className="page segments-page" data-testid="segments-page">
      <div className="forms">
        <div className="forms__main">
          {missing ? (
            <p className="field-error" role="alert" data-testid="segment-missing">
              人群加载失败：{segment.state.status === 'failed' ? segment.state.message : ''}
            </p>
          ) : segmentId && !saved ? (
            <p className="muted">加载中… Loading</p>
          ) : (
            <form
              className="card sched-form"
              data-testid="segment-form"
              data-segment-id={saved?.id ?? ''}
              onSubmit={(event) => void submit(event)}
              noValidate
            >
              <h2 className="card__title">
                {saved ? `人群「${saved.name}」` : '新建人群'} <span className="muted small">Segment</span>
              </h2>
              <fieldset className="sched-form__fields" disabled={saving}>
                <div className="form-grid">
                  <TextField
                    label="名称 Name"
                    testId="segment-name"
                    maxLength={SEGMENT_LIMITS.name + 10}
                    {...bind('name')}
                  />
                  <TextField
                    label="说明 Description"
                    hint="（可选）"
                    testId="segment-description"
                    maxLength={SEGMENT_LIMITS.description + 10}
                    {...bind('description')}
                  />
                </div>
              </fieldset>
              <h3 className="rule-form__title">
                圈选条件 <span className="muted small">标签、属性与行为 Tags, attributes, behaviour</span>
              </h3>
              <RuleForm
                root={root}
                onChange={changeRule}
                errors={showErrors && !built.ok ? built.errors : {}}
                options={options}
                disabled={saving}
              />
              <RuleReading rule={rule} names={names} pending={!built.ok} />
              <FieldError message={errors.rule} />
              <div className="row sched-form__foot">
                {saved ? (
                  confirmingDelete ? (
                    <span className="row">
                      <button
                        type="button"
                        className="button button--danger"
                        data-testid="segment-delete-confirm"
                        onClick={() => void remove()}
                      >
                        确认删除
                      </button>
                      <button type="button" className="button" onClick={() => setConfirmingDelete(false)}>
                        取消
                      </button>
                    </span>
                  ) : (
                    <button
                      type="button"
                      className="button"
                      data-testid="segment-delete"
                      onClick={() => setConfirmingDelete(true)}
                    >
                      删除
                    </button>
                  )
                ) : (
                  <span />
                )}
                <button type="submit" className="button button--primary" data-testid="segment-save" disabled={saving}>
                  {saving ? '保存中…' : '保存人群 Save'}
                </button>
              </div>
              <OutcomeLine outcome={outcome} testId="segment-result" />
            </form>
          )}
        </div>
        <div className="forms__side">
          <RulePreview rule={rule} names={names} title="人数 Count" />
          {saved ? <MaterialisePanel key={saved.id} segment={saved} /> : null}
          <SegmentList segments={segments.data} currentId={saved?.id ?? null} />
          {segments.state.status === 'failed' ? (
            <p className="field-error" role="alert">
              人群列表加载失败：{segments.state.message}
            </p>
          ) : null}
        </div>
      </div>
    </div>
  );
}
