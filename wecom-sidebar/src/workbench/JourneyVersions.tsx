/**
 * 版本 Versions: every version of the journey, newest first, with how many customers are on each now; one shown as
 * its graph. Managers move the customers waiting on an old version to the latest (steps of the same id map to
 * themselves; the others are mapped here), and see how many moved and which steps had no mapping.
 */
import { useMemo, useState } from 'react';
import { explainJourneyError } from '../journeys/errors';
import { readStepMap } from '../journeys/migrate';
import { journeysApi } from '../journeys/runtime';
import { entrySummary } from '../journeys/settingsForm';
import { settingsNotes } from '../journeys/describe';
import type { Journey, JourneyVersion } from '../journeys/types';
import { formatDateTime } from '../profile/format';
import { OutcomeLine, SelectField, type Outcome } from '../shell/Field';
import { useResource } from '../shell/useResource';
import { JourneyGraph } from './JourneyGraph';

const NO_ISSUES = new Map();
function MigrateForm({
  journey,
  versions,
  onDone,
}: {
  journey: Journey;
  versions: readonly JourneyVersion[];
  onDone(): void;
}) {
  const candidates = versions.filter((item) => item.version !== journey.version && item.active > 0);
  const [from, setFrom] = useState(String(candidates[0]?.version ?? ''));
  const [stepMap, setStepMap] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  if (!candidates.length) {
    return <p className="muted small">旧版本上没有进行中的客户，无需迁移。</p>;
  }
  const migrate = async () => {
    const read = readStepMap(stepMap);
    if ('badLine' in read) {
      setOutcome({ kind: 'error', text: `步骤对应第 ${read.badLine} 行应为「旧步骤=新步骤」` });
      return;
    }
    setBusy(true);
    setOutcome(null);
    try {
      const result = await journeysApi.migrate(journey.id, {
        fromVersion: Number(from),
        toVersion: journey.version,
        stepMap: read.map,
      });
      setOutcome({
        kind: 'ok',
        text:
          `已迁移 ${result.migrated} 位客户到 v${journey.version}，${result.skipped} 位留在 v${from}` +
          (result.unmappedSteps.length ? `（这些步骤没有对应：${result.unmappedSteps.join('、')}）` : '') +
          '。',
      });
      onDone();
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainJourneyError(reason, 'migrate') });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="jmigrate" data-testid="journey-migrate">
      <div className="form-grid">
        <SelectField<string>
          label="从版本"
          testId="journey-migrate-from"
          options={candidates.map((item) => ({
            id: String(item.version),
            label: `v${item.version}（${item.active} 人进行中）`,
          }))}
          value={from}
          onChange={setFrom}
        />
        <label className="field">
          <span className="field__label">到版本</span>
          <input className="input" value={`v${journey.version}（最新）`} disabled />
        </label>
        <label className="field form-grid__wide">
          <span className="field__label">
            步骤对应{' '}
            <span className="field__hint">每行「旧步骤=新步骤」；同名步骤自动对应，没有对应的客户留在旧版本</span>
          </span>
          <textarea
            className="input textarea mono"
            rows={3}
            data-testid="journey-migrate-map"
            value={stepMap}
            onChange={(event) => setStepMap(event.target.value)}
          />
        </label>
      </div>
      <button
        type="button"
        className="button"
        data-testid="journey-migrate-submit"
        disabled={busy}
        onClick={() => void migrate()}
      >
        {busy ? '迁移中…' : '迁移等待中的客户'}
      </button>
      <OutcomeLine outcome={outcome} testId="journey-migrate-outcome" />
    </div>
  );
}

export function JourneyVersions({ journey, manager }: { journey: Journey; manager: boolean }) {
  const [round, setRound] = useState(0);
  const versions = useResource(
    `journey-versions:${journey.id}:${journey.version}:${round}`,
    () => journeysApi.versions(journey.id),
    (reason) => explainJourneyError(reason, 'load'),
  );
  const [shown, setShown] = useState<number | null>(null);
  const shownVersion = versions.data?.find((item) => item.version === shown) ?? null;
  const notes = useMemo(() => (shownVersion ? settingsNotes(shownVersion.definition) : []), [shownVersion]);

  return (
    <div className="page" data-testid="journey-versions">
      <section className="card" aria-label="版本 Versions">
        <h3 className="card__title">
          版本 <span className="muted small">Versions</span>
        </h3>
        {versions.state.status === 'failed' ? (
          <p className="field-error" role="alert">
            加载失败：{versions.state.message}
          </p>
        ) : !versions.data ? (
          <p className="muted">加载中… Loading</p>
        ) : (
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th>版本</th>
                  <th>保存时间</th>
                  <th>进行中的客户</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {versions.data.map((item) => (
                  <tr
                    key={item.version}
                    data-testid="journey-version-row"
                    data-version={item.version}
                    className={item.version === shown ? 'row--selected' : undefined}
                  >
                    <td className="nowrap">
                      v{item.version}
                      {item.version === journey.liveVersion ? <span className="muted small"> 线上</span> : null}
                      {item.version === journey.version && item.version !== journey.liveVersion ? (
                        <span className="muted small"> 最新</span>
                      ) : null}
                    </td>
                    <td className="nowrap small">{formatDateTime(item.createdAt)}</td>
                    <td data-metric="active">{item.active}</td>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        data-testid="journey-version-show"
                        onClick={() => setShown(item.version === shown ? null : item.version)}
                      >
                        {item.version === shown ? '收起' : '查看流程'}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {shownVersion ? (
        <section className="card" aria-label={`v${shownVersion.version}`} data-testid="journey-version-graph">
          <h3 className="card__title">v{shownVersion.version}</h3>
          <JourneyGraph
            definition={shownVersion.definition}
            entryText={entrySummary(shownVersion.definition.entry)}
            entryNotes={notes}
            issues={NO_ISSUES}
            selected={null}
            onSelect={() => undefined}
            names={{}}
            testId="journey-version-graph-canvas"
          />
        </section>
      ) : null}
      {manager && versions.data && journey.status !== 'archived' ? (
        <section className="card" aria-label="迁移客户 Migrate customers">
          <h3 className="card__title">
            迁移客户到最新版本 <span className="muted small">Migrate</span>
          </h3>
          <MigrateForm journey={journey} versions={versions.data} onDone={() => setRound((value) => value + 1)} />
        </section>
      ) : null}
    </div>
  );
}
