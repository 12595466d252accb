/**
 * 发送内容: published articles and videos to send into the current chat (全员营销). Each shows its audience; HCP-only
 * content can go only to a verified HCP. Sending asks the BFF for the staff member's share (their token in the link,
 * recorded on the customer's timeline), then, inside WeCom, sends the mini-program or news card with the JS-SDK's
 * sendChatMessage. Outside WeCom (the emulated context) nothing can be sent: the card shows what would have been sent.
 */
import { useMemo, useState } from 'react';
import { explainContentError } from '../content/errors';
import { AUDIENCE_LABELS, categoryLabel, KIND_LABELS } from '../content/labels';
import { contentApi } from '../content/runtime';
import {
  canSendTo,
  cardKinds,
  chatMessage,
  createChatSender,
  describeChatMessage,
  type CardKind,
  type ChatMessage,
} from '../content/share';
import type { StaffContentSummary } from '../content/types';
import { SelectInput } from '../shell/Field';
import { api } from '../shell/runtime';
import { useResource } from '../shell/useResource';
import { isInsideWecom, wecomSendApi } from '../wecom/jssdk';

type Sent =
  | { state: 'sent'; contentId: string; title: string }
  | { state: 'emulated'; contentId: string; title: string; message: ChatMessage }
  | { state: 'error'; contentId: string; text: string };

const CARD_LABELS: Record<CardKind, string> = { miniprogram: '小程序卡片', news: '图文链接' };
const CARD_KINDS = Object.keys(CARD_LABELS) as CardKind[];

type Send = (message: ChatMessage) => Promise<void>;

/**
 * What can be sent: items with a published version that are not archived. An item being edited again is no longer
 * `published` (its state is its latest version's) but its published version is still live: the recently changed
 * items are read too.
 */
async function shareableContent(): Promise<{ items: StaffContentSummary[] }> {
  const [published, recent] = await Promise.all([
    contentApi.list({ status: 'published', limit: 50 }),
    contentApi.list({ limit: 50 }),
  ]);
  const byId = new Map<string, StaffContentSummary>();
  for (const item of [...published.items, ...recent.items]) {
    if (item.liveVersion !== null && item.status !== 'archived' && !byId.has(item.id)) byId.set(item.id, item);
  }
  return { items: [...byId.values()] };
}

/**
 * Inside WeCom: sends through the JS-SDK, registered with the app's ids from the app config (read once, when the
 * first card is sent). Outside WeCom: null — the JS-SDK must not be called there (its calls never settle).
 */
function useChatSender(): Send | null {
  return useMemo(() => {
    if (!isInsideWecom()) return null;
    let sender: Promise<Send> | null = null;
    return async (message: ChatMessage) => {
      sender ??= api
        .appConfig()
        .then((config) =>
          createChatSender({ ww: wecomSendApi, wecom: config.wecom, sign: (url, type) => api.jsSignature(url, type) }),
        )
        .catch((reason: unknown) => {
          sender = null;
          throw reason;
        });
      await (
        await sender
      )(message);
    };
  }, []);
}

export function ContentPicker({
  customerId,
  customer,
  send: given,
  onSent,
}: {
  customerId: string;
  /** For the HCP-only rule. */
  customer: { kind: string; hcp: { verification: string } | null };
  /** Sends a message into the current chat; by default the JS-SDK inside WeCom, null (emulated) outside. */
  send?: Send | null;
  /** A send was recorded (the timeline has a new event). */
  onSent(): void;
}) {
  const wecom = useChatSender();
  const send = given === undefined ? wecom : given;
  const [open, setOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [cardKind, setCardKind] = useState<CardKind>('miniprogram');
  const [busyId, setBusyId] = useState<string | null>(null);
  const [sent, setSent] = useState<Sent | null>(null);
  const list = useResource(
    open ? 'content-picker' : null,
    () => shareableContent(),
    (reason) => explainContentError(reason, 'load'),
  );
  const items = useMemo(() => {
    const needle = query.trim().toLowerCase();
    const all = list.data?.items ?? [];
    return needle ? all.filter((item) => item.title.toLowerCase().includes(needle)) : all;
  }, [list.data, query]);

  const sendItem = async (item: StaffContentSummary) => {
    setBusyId(item.id);
    setSent(null);
    try {
      const share = await contentApi.share(item.id, customerId);
      const kind = cardKinds(share).includes(cardKind) ? cardKind : 'news';
      const message = chatMessage(share, kind);
      onSent();
      if (send) {
        await send(message);
        setSent({ state: 'sent', contentId: item.id, title: item.title });
      } else {
        setSent({ state: 'emulated', contentId: item.id, title: item.title, message });
      }
    } catch (reason) {
      setSent({ state: 'error', contentId: item.id, text: explainContentError(reason, 'share') });
    } finally {
      setBusyId(null);
    }
  };

  return (
    <section className="card content-picker" aria-label="发送内容 Send content" data-testid="content-picker">
      <div className="content-picker__head">
        <h2 className="card__title">
          发送内容 <span className="muted small">Send content</span>
        </h2>
        <button
          type="button"
          className="link-button"
          data-testid="content-picker-toggle"
          aria-expanded={open}
          onClick={() => setOpen((value) => !value)}
        >
          {open ? '收起' : '选择文章或视频'}
        </button>
      </div>
      {open ? (
        <>
          <div className="row content-picker__tools">
            <input
              className="input content-picker__search"
              type="search"
              placeholder="搜索已发布内容"
              aria-label="搜索 Search"
              data-testid="content-picker-search"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
            />
            <SelectInput
              className="content-picker__kind"
              ariaLabel="卡片样式 Card"
              testId="content-picker-card"
              options={CARD_KINDS}
              labels={CARD_LABELS}
              value={cardKind}
              onChange={(kind) => setCardKind(kind)}
            />
          </div>
          {list.state.status === 'failed' ? (
            <p className="field-error" role="alert">
              内容加载失败：{list.state.message}
            </p>
          ) : !list.data ? (
            <p className="muted small">加载中… Loading</p>
          ) : !items.length ? (
            <p className="muted small" data-testid="content-picker-empty">
              没有已发布的内容。 Nothing published.
            </p>
          ) : (
            <ul className="content-picker__list">
              {items.map((item) => {
                const check = canSendTo(item.audience, customer);
                const result = sent?.contentId === item.id ? sent : null;
                return (
                  <li
                    key={item.id}
                    className="content-picker__item"
                    data-testid="content-picker-item"
                    data-content-id={item.id}
                    data-audience={item.audience}
                  >
                    <div className="content-picker__main">
                      <span className="content-picker__title">{item.title}</span>
                      <span className="muted small">
                        {KIND_LABELS[item.kind]} · {categoryLabel(item.category)}
                      </span>
                      <span className={`audience audience--${item.audience}`} data-testid="content-picker-audience">
                        {AUDIENCE_LABELS[item.audience]}
                      </span>
                    </div>
                    <button
                      type="button"
                      className="button button--small button--primary"
                      data-testid="content-picker-send"
                      disabled={busyId !== null || !check.ok}
                      title={check.ok ? undefined : check.reason}
                      onClick={() => void sendItem(item)}
                    >
                      {busyId === item.id ? '发送中…' : '发送'}
                    </button>
                    {check.ok ? null : <p className="blocked-reason small content-picker__note">{check.reason}</p>}
                    {result?.state === 'sent' ? (
                      <p
                        className="form-outcome form-outcome--ok small"
                        data-testid="content-picker-result"
                        data-state="sent"
                      >
                        已发送到聊天 Sent into the chat
                      </p>
                    ) : result?.state === 'error' ? (
                      <p
                        className="form-outcome form-outcome--error small"
                        data-testid="content-picker-result"
                        data-state="error"
                      >
                        {result.text}
                      </p>
                    ) : result?.state === 'emulated' ? (
                      <div className="emulated-send small" data-testid="content-picker-result" data-state="emulated">
                        <p>
                          <strong>模拟环境：未真正发送。</strong>在企业微信中会发送以下卡片（已记录到客户时间线）：
                        </p>
                        <dl className="emulated-send__lines">
                          {describeChatMessage(result.message).map((line) => (
                            <div key={line.label} className="emulated-send__line">
                              <dt>{line.label}</dt>
                              <dd className="mono">{line.value}</dd>
                            </div>
                          ))}
                        </dl>
                      </div>
                    ) : null}
                  </li>
                );
              })}
            </ul>
          )}
        </>
      ) : null}
    </section>
  );
}
