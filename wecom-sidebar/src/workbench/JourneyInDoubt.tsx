/**
 * 待确认消息: messages a journey began sending (WeChat subscribe message, SMS) whose outcome is unknown because the
 * sending was interrupted. They are never sent again by themselves: a manager checks (e.g. in the provider's
 * console) and records whether it went out; the customer goes on either way.
 */
import { useState } from 'react';
import { customerDisplayName } from '../labels';
import { explainJourneyError } from '../journeys/errors';
import { STEP_TYPE_LABELS } from '../journeys/labels';
import { journeyHref } from '../journeys/nav';
import { journeysApi } from '../journeys/runtime';
import { formatDateTime } from '../profile/format';
import { OutcomeLine, type Outcome } from '../shell/Field';
import { useResource } from '../shell/useResource';

export function JourneyInDoubt() {
  const list = useResource(
    'journey-in-doubt',
    () => journeysApi.inDoubt(),
    (reason) => explainJourneyError(reason, 'load'),
  );
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const review = async (id: string, result: 'sent' | 'not_sent') => {
    setBusy(id);
    setOutcome(null);
    try {
      await journeysApi.review(id, result);
      list.patch((items) => items.filter((item) => item.id !== id));
      setOutcome({
        kind: 'ok',
        text: result === 'sent' ? '已记为“已发送”，客户继续下一步。' : '已记为“未发送”，不会重发，客户继续下一步。',
      });
    } catch (reason) {
      setOutcome({ kind: 'error', text: explainJourneyError(reason, 'review') });
      list.reload();
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card" aria-label="待确认消息 Messages in doubt" data-testid="journey-in-doubt">
      <div className="day__head">
        <h2 className="card__title">
          待确认消息 <span className="muted small">Messages in doubt · {list.data?.length ?? 0}</span>
        </h2>
        <button type="button" className="link-button" onClick={list.reload}>
          刷新
        </button>
      </div>
      <p className="muted small">
        这些消息在发送途中被中断，无法确定客户是否收到。系统不会重发：请到微信或短信平台核实后记录结果。
      </p>
      <OutcomeLine outcome={outcome} testId="journey-in-doubt-outcome" />
      {list.state.status === 'failed' ? (
        <p className="field-error" role="alert">
          加载失败：{list.state.message}
        </p>
      ) : !list.data ? (
        <p className="muted">加载中… Loading</p>
      ) : list.data.length ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th>旅程</th>
                <th>客户</th>
                <th>步骤</th>
                <th>开始发送</th>
                <th>核实结果</th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((item) => (
                <tr key={item.id} data-testid="in-doubt-row" data-execution-id={item.id}>
                  <td>
                    <a href={journeyHref(item.journeyId, 'analytics')}>{item.journeyName}</a>
                  </td>
                  <td className="nowrap">{customerDisplayName(item.customerName)}</td>
                  <td className="nowrap">
                    {STEP_TYPE_LABELS[item.stepType]} <span className="mono muted small">{item.stepId}</span>
                  </td>
                  <td className="nowrap small">{item.sendingAt ? formatDateTime(item.sendingAt) : '—'}</td>
                  <td>
                    <div className="row">
                      <button
                        type="button"
                        className="button button--small"
                        data-testid="in-doubt-sent"
                        disabled={busy !== null}
                        onClick={() => void review(item.id, 'sent')}
                      >
                        已发送
                      </button>
                      <button
                        type="button"
                        className="button button--small"
                        data-testid="in-doubt-not-sent"
                        disabled={busy !== null}
                        onClick={() => void review(item.id, 'not_sent')}
                      >
                        未发送
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted" data-testid="in-doubt-empty">
          没有待确认的消息。 Nothing in doubt.
        </p>
      )}
    </section>
  );
}
