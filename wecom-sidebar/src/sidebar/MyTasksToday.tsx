/**
 * 我的今日任务: the sidebar's second view, reachable without a customer in the chat — every open task of mine due today
 * in the organisation's time zone, overdue ones first, each completed here or opened on its customer. In the emulated
 * context opening a task's customer makes them the chat's contact; inside WeCom the chat is WeCom's to choose, so the
 * customer's name is shown.
 */
import type { StaffProfile } from '@careloop/shared';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { describeError } from '../api/errors';
import { customerDisplayName } from '../labels';
import { useNow } from '../shell/useNow';
import { useResource, type ResourceController } from '../shell/useResource';
import { explainTaskError } from '../tasks/errors';
import { tasksApi } from '../tasks/runtime';
import { groupToday, replaceTask } from '../tasks/taskView';
import type { Task, TodayTasks } from '../tasks/types';
import { TaskItem } from './TaskItem';
import { useCompleteTask } from './useCompleteTask';

type OpenCustomer = ((customerId: string) => Promise<void>) | null;

function CustomerLink({ task, onOpen }: { task: Task; onOpen: OpenCustomer }) {
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = customerDisplayName(task.customer.name);
  if (!onOpen) {
    return (
      <span className="small" data-testid="today-task-customer" title="在企业微信中打开与该客户的聊天即可查看档案">
        客户：<strong>{name}</strong>
      </span>
    );
  }
  return (
    <>
      <button
        type="button"
        className="link-button task__customer-link"
        data-testid="today-task-customer"
        disabled={opening}
        onClick={() => {
          setOpening(true);
          setError(null);
          onOpen(task.customer.id).then(
            () => setOpening(false),
            (reason: unknown) => {
              setOpening(false);
              setError(`无法打开客户：${describeError(reason)}`);
            },
          );
        }}
      >
        客户：{name} →
      </button>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}

function MyTasksToday({
  staff,
  today,
  onOpenCustomer,
}: {
  staff: StaffProfile;
  today: ResourceController<TodayTasks>;
  onOpenCustomer: OpenCustomer;
}) {
  const now = useNow(30_000);
  const { patch, reload, state } = today;
  // The task stays in the list however it ended (today's list holds open tasks only): read it again on failure.
  const settled = useCallback(
    (task: Task | null, taskId: string) => {
      const place = (next: Task) => patch((current) => ({ ...current, items: replaceTask(current.items, next) }));
      if (task) place(task);
      else tasksApi.get(taskId).then(place, reload);
    },
    [patch, reload],
  );
  const completion = useCompleteTask(staff, settled);
  const items = useMemo(() => today.data?.items ?? [], [today.data]);
  const groups = useMemo(() => groupToday(items, now), [items, now]);
  const done = items.filter((task) => task.status !== 'open');

  const row = (task: Task) => (
    <TaskItem
      key={task.id}
      task={task}
      staff={staff}
      now={now}
      busy={completion.busyId === task.id}
      message={completion.message?.id === task.id ? completion.message : null}
      customer={<CustomerLink task={task} onOpen={onOpenCustomer} />}
      onComplete={(request) => completion.complete(task, request)}
    />
  );

  return (
    <section className="card tasks today" aria-label="我的今日任务 My tasks today" data-testid="today-tasks">
      <div className="appointments__head">
        <h2 className="card__title">
          我的今日任务{' '}
          <span className="muted small">
            Today{today.data ? ` · ${today.data.date}` : ''}
            {groups.overdue.length ? ` · 逾期 ${groups.overdue.length}` : ''}
          </span>
        </h2>
        <button
          type="button"
          className="link-button"
          data-testid="today-refresh"
          disabled={state.status === 'loading'}
          onClick={reload}
        >
          刷新
        </button>
      </div>
      {state.status === 'loading' || state.status === 'idle' ? (
        <p className="muted small">加载中… Loading</p>
      ) : state.status === 'failed' ? (
        <p className="field-error" role="alert">
          今日任务加载失败：{state.message}{' '}
          <button type="button" className="link-button" onClick={reload}>
            重试 Retry
          </button>
        </p>
      ) : !items.length ? (
        <p className="muted small" data-testid="today-empty">
          今天没有待办任务 Nothing due today
        </p>
      ) : (
        <>
          {groups.overdue.length ? (
            <>
              <h3 className="appointments__group task__group--overdue">已逾期 Overdue</h3>
              <ol className="tasks__list" data-testid="today-overdue">
                {groups.overdue.map(row)}
              </ol>
            </>
          ) : null}
          {groups.later.length ? (
            <>
              <h3 className="appointments__group">今天到期 Due today</h3>
              <ol className="tasks__list" data-testid="today-due">
                {groups.later.map(row)}
              </ol>
            </>
          ) : null}
          {done.length ? (
            <>
              <h3 className="appointments__group">刚刚处理 Just done</h3>
              <ol className="tasks__list">{done.map(row)}</ol>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}

type SidebarView = 'customer' | 'today';

/**
 * The sidebar's two views as tabs: the current customer (`children`, kept mounted while hidden so the profile is not
 * loaded again) and my tasks due today, read again each time its tab is opened.
 */
export function SidebarViews({
  staff,
  onOpenCustomer,
  children,
}: {
  staff: StaffProfile;
  /** Emulated context: make this customer the chat's contact. Null inside WeCom. */
  onOpenCustomer: OpenCustomer;
  children: ReactNode;
}) {
  const [view, setView] = useState<SidebarView>('customer');
  const today = useResource(
    `today-tasks:${staff.id}`,
    () => tasksApi.today(),
    (reason) => explainTaskError(reason, 'load'),
  );
  const open = (today.data?.items ?? []).filter((task) => task.status === 'open').length;
  const openCustomer = useMemo<OpenCustomer>(
    () =>
      onOpenCustomer
        ? async (customerId: string) => {
            await onOpenCustomer(customerId);
            setView('customer');
          }
        : null,
    [onOpenCustomer],
  );

  const tab = (id: SidebarView, label: ReactNode, testId: string, onOpen?: () => void) => (
    <button
      type="button"
      role="tab"
      className={`sidebar-tabs__tab${view === id ? ' sidebar-tabs__tab--current' : ''}`}
      aria-selected={view === id}
      data-testid={testId}
      onClick={() => {
        setView(id);
        onOpen?.();
      }}
    >
      {label}
    </button>
  );

  return (
    <>
      <div className="sidebar-tabs" role="tablist" aria-label="侧边栏 Sidebar">
        {tab('customer', '当前客户', 'sidebar-tab-customer')}
        {tab(
          'today',
          <>
            我的今日任务
            {open ? (
              <span className="sidebar-tabs__count" data-testid="today-count">
                {open}
              </span>
            ) : null}
          </>,
          'sidebar-tab-today',
          today.reload,
        )}
      </div>
      <div hidden={view !== 'customer'}>{children}</div>
      {view === 'today' ? <MyTasksToday staff={staff} today={today} onOpenCustomer={openCustomer} /> : null}
    </>
  );
}
