/**
 * 流程 Builder: the journey's step graph as a visual flow, edited through a side panel per node — the entry node for
 * the entry and rules, a step node for its form; steps are added after a node (on a branch's yes or no) and removed
 * (what led to them leads on). 校验 checks the definition on the server and puts every problem on its node; 保存
 * saves it (a journey ever enabled gets a new version, customers inside finish on theirs). Staff who may not edit
 * see the same graph and forms, read-only.
 */
import { useEffect, useMemo, useState } from 'react';
import { ENTRY_NODE, type EdgeKind } from '../journeys/graph';
import { insertStep, removeStep, replaceStep, setOutlet } from '../journeys/edit';
import { explainJourneyError } from '../journeys/errors';
import { issuesByNode, issuesFromError, type PlacedIssue } from '../journeys/issues';
import { STEP_TYPE_LABELS } from '../journeys/labels';
import { journeysApi } from '../journeys/runtime';
import { entrySummary } from '../journeys/settingsForm';
import { savedText, settingsNotes } from '../journeys/describe';
import { nameIn, type JourneyPickers } from '../journeys/usePickers';
import type { Journey, JourneyDefinition, JourneyStep, JourneySettings, JourneyStepType } from '../journeys/types';
import { OutcomeLine, TextField, type Outcome } from '../shell/Field';
import { JourneyGraph } from './JourneyGraph';
import { JourneySettingsPanel } from './JourneySettingsPanel';
import { JourneyStepPanel, type StepOption } from './JourneyStepPanel';

const NAME_MAX = 60;
const DESCRIPTION_MAX = 500;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function JourneyBuilder({
  journey,
  manager,
  pickers,
  onSaved,
  onDirty,
}: {
  journey: Journey;
  manager: boolean;
  pickers: JourneyPickers;
  onSaved(next: Journey): void;
  onDirty(dirty: boolean): void;
}) {
  const readOnly = !manager || journey.status === 'archived';
  const [definition, setDefinition] = useState<JourneyDefinition>(journey.definition);
  const [name, setName] = useState(journey.name);
  const [description, setDescription] = useState(journey.description);
  const [selected, setSelected] = useState<string | null>(manager ? ENTRY_NODE : null);
  // The open panel's form has a problem: its latest change is not in the definition (dropped if the panel closes).
  const [pending, setPending] = useState(false);
  const [issues, setIssues] = useState<ReadonlyMap<string, PlacedIssue[]>>(new Map());
  // Bumped when the graph changes other than through the open panel: the panel reads its node again.
  const [revision, setRevision] = useState(0);
  const [busy, setBusy] = useState<'validate' | 'save' | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const dirty = !same(definition, journey.definition) || name !== journey.name || description !== journey.description;
  useEffect(() => onDirty(dirty), [dirty, onDirty]);
  // Leaving the builder (another tab) leaves nothing unsaved behind.
  useEffect(() => () => onDirty(false), [onDirty]);

  const stepOptions: StepOption[] = useMemo(
    () =>
      definition.steps.map((step) => ({
        id: step.id,
        label: `${step.name?.trim() || STEP_TYPE_LABELS[step.type]} · ${step.id}`,
      })),
    [definition.steps],
  );
  const names = useMemo(
    () => ({
      staff: (id: string) => nameIn(pickers.staff, id),
      coupon: (id: string) => nameIn(pickers.coupons, id),
    }),
    [pickers.staff, pickers.coupons],
  );
  const selectedStep = selected && selected !== ENTRY_NODE ? definition.steps.find((s) => s.id === selected) : null;
  const issueCount = [...issues.values()].reduce((sum, list) => sum + list.length, 0);

  const select = (key: string) => {
    if (key !== selected) setPending(false);
    setSelected(key);
  };
  const restructure = (next: JourneyDefinition, selectKey?: string) => {
    setDefinition(next);
    setRevision((value) => value + 1);
    setPending(false);
    if (selectKey !== undefined) setSelected(selectKey);
    setOutcome(null);
  };

  const onStep = (step: JourneyStep | null, isPending: boolean) => {
    setPending(isPending);
    if (step) setDefinition((current) => replaceStep(current, step));
  };
  const onSettings = (settings: JourneySettings | null, isPending: boolean) => {
    setPending(isPending);
    if (settings) setDefinition((current) => ({ ...current, ...settings }));
  };
  const onInsert = (from: string, kind: EdgeKind, type: JourneyStepType) => {
    const inserted = insertStep(definition, from, kind, type);
    restructure(inserted.definition, inserted.id);
  };
  const onRemove = (id: string) => {
    const next = removeStep(definition, id);
    if (next) restructure(next, ENTRY_NODE);
  };

  const blocked = () => {
    if (!pending) return false;
    const where = selected === ENTRY_NODE ? '入口与规则' : `步骤 ${selected}`;
    setOutcome({ kind: 'error', text: `请先修正右侧「${where}」表单里标红的内容。` });
    return true;
  };

  const validate = async () => {
    if (blocked()) return;
    setBusy('validate');
    setOutcome(null);
    try {
      const result = await journeysApi.validate(definition);
      setIssues(issuesByNode(result.issues, definition));
      setOutcome(
        result.valid
          ? { kind: 'ok', text: '校验通过：流程可以保存和启用。' }
          : { kind: 'error', text: `发现 ${result.issues.length} 处问题，已在流程图的节点上标出。` },
      );
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainJourneyError(reason, 'validate') });
    } finally {
      setBusy(null);
    }
  };

  const save = async () => {
    if (blocked()) return;
    if (!name.trim()) {
      setOutcome({ kind: 'error', text: '请填写旅程名称。' });
      return;
    }
    setBusy('save');
    setOutcome(null);
    try {
      const saved = await journeysApi.update(journey.id, {
        name: name.trim(),
        description: description.trim(),
        ...(same(definition, journey.definition) ? {} : { definition }),
        expectedVersion: journey.version,
      });
      setIssues(new Map());
      setDefinition(saved.definition);
      setName(saved.name);
      setDescription(saved.description);
      setRevision((value) => value + 1);
      setOutcome({ kind: 'ok', text: savedText(journey, saved) });
      onSaved(saved);
    } catch (reason) {
      const found = issuesFromError(reason);
      if (found.length) setIssues(issuesByNode(found, definition));
      setOutcome({ kind: 'error', text: explainJourneyError(reason, 'save') });
    } finally {
      setBusy(null);
    }
  };

  const discard = () => {
    setDefinition(journey.definition);
    setName(journey.name);
    setDescription(journey.description);
    setPending(false);
    setIssues(new Map());
    setRevision((value) => value + 1);
    setOutcome(null);
  };

  return (
    <div className="jbuilder" data-testid="journey-builder" data-dirty={dirty}>
      {readOnly ? (
        <p className="readonly-note muted small" data-testid="journey-readonly">
          {journey.status === 'archived'
            ? '旅程已归档，只能查看。 Archived journeys are read-only.'
            : '只有店长或管理员可以修改旅程；你可以查看流程和每一步的设置。 Read-only.'}
        </p>
      ) : (
        <div className="card jbuilder__head">
          <div className="form-grid">
            <TextField
              label="旅程名称"
              error={!name.trim() ? '请填写旅程名称' : undefined}
              testId="journey-name"
              maxLength={NAME_MAX}
              value={name}
              onChange={setName}
            />
            <TextField
              label="说明"
              hint="（可选）"
              testId="journey-description"
              maxLength={DESCRIPTION_MAX}
              value={description}
              onChange={setDescription}
            />
          </div>
          <div className="row">
            <button
              type="button"
              className="button"
              data-testid="journey-validate"
              disabled={busy !== null}
              onClick={() => void validate()}
            >
              {busy === 'validate' ? '校验中…' : '校验 Validate'}
            </button>
            <button
              type="button"
              className="button button--primary"
              data-testid="journey-save"
              disabled={busy !== null || !dirty}
              onClick={() => void save()}
            >
              {busy === 'save' ? '保存中…' : journey.liveVersion !== null ? '保存为新版本 Save' : '保存 Save'}
            </button>
            <button
              type="button"
              className="link-button"
              data-testid="journey-discard"
              disabled={busy !== null || !dirty}
              onClick={discard}
            >
              放弃修改
            </button>
            {dirty ? (
              <span className="muted small" data-testid="journey-unsaved">
                有未保存的修改
              </span>
            ) : null}
            {issueCount ? (
              <span className="field-error" data-testid="journey-issue-count">
                {issueCount} 处问题
              </span>
            ) : null}
          </div>
          <OutcomeLine outcome={outcome} testId="journey-builder-outcome" />
        </div>
      )}
      <div className="jbuilder__body">
        <div className="card jbuilder__canvas">
          <JourneyGraph
            definition={definition}
            entryText={entrySummary(definition.entry, (id) => nameIn(pickers.segments, id))}
            entryNotes={settingsNotes(definition)}
            issues={issues}
            selected={selected}
            onSelect={select}
            names={names}
          />
        </div>
        <aside className="jbuilder__side">
          {selected === ENTRY_NODE ? (
            <JourneySettingsPanel
              key={`entry:${revision}`}
              settings={definition}
              start={definition.start}
              steps={stepOptions}
              issues={issues.get(ENTRY_NODE) ?? []}
              readOnly={readOnly}
              pickers={pickers}
              onChange={onSettings}
              onStart={(id) => restructure(setOutlet(definition, ENTRY_NODE, 'start', id))}
              onInsert={(type) => onInsert(ENTRY_NODE, 'start', type)}
            />
          ) : selectedStep ? (
            <JourneyStepPanel
              key={`${selectedStep.id}:${revision}`}
              step={selectedStep}
              steps={stepOptions}
              issues={issues.get(selectedStep.id) ?? []}
              readOnly={readOnly}
              pickers={pickers}
              canRemove={definition.steps.length > 1}
              onChange={onStep}
              onInsert={(kind, type) => onInsert(selectedStep.id, kind, type)}
              onRemove={() => onRemove(selectedStep.id)}
            />
          ) : (
            <p className="card muted small" data-testid="journey-panel-hint">
              点击流程图中的节点查看{readOnly ? '' : '和修改'}它的设置。 Click a node to see its settings.
            </p>
          )}
          {pickers.error && !readOnly ? (
            <p className="muted small">部分选项加载失败（可直接填写 id）：{pickers.error}</p>
          ) : null}
        </aside>
      </div>
    </div>
  );
}
