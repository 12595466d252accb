/**
 * Changes the builder makes to a definition's step graph: a new step inserted on an outlet (after the entry, on a
 * step's next, on a branch's yes or no), a step replaced by its edited version, one removed (whatever led to it
 * leads on to what came after it), and a fresh definition for a new journey. Each returns a new definition.
 */
import { ENTRY_NODE, type EdgeKind } from './graph';
import { emptyStepDraft } from './stepForm';
import type { JourneyDefinition, JourneyStep, JourneyStepType } from './types';

const ID_PREFIX: Record<JourneyStepType, string> = {
  wait: 'wait',
  branch: 'branch',
  send_subscribe_message: 'subscribe',
  send_wecom_message: 'wecom',
  send_sms: 'sms',
  issue_coupon: 'coupon',
  add_tag: 'tag',
  remove_tag: 'untag',
  create_task: 'task',
  notify_staff: 'notify',
  exit: 'exit',
};

/** `wait1`, `task2` …: the first of the type's ids no step has. */
export function newStepId(steps: readonly Pick<JourneyStep, 'id'>[], type: JourneyStepType): string {
  const taken = new Set(steps.map((step) => step.id));
  for (let n = 1; ; n += 1) {
    const id = `${ID_PREFIX[type]}${n}`;
    if (!taken.has(id)) return id;
  }
}

/**
 * A new step of the type leading to `target`, with the form's defaults. Texts a manager must write (a task's title,
 * a message) are left empty: validation points at them on the new node.
 */
export function newStep(type: JourneyStepType, id: string, target: string | null): JourneyStep {
  const d = emptyStepDraft(type);
  switch (type) {
    case 'wait':
      return { id, type, next: target, duration: { days: 1 } };
    case 'branch':
      return { id, type, condition: { kind: 'event', event: 'appointment.booked' }, yes: target, no: null };
    case 'send_subscribe_message':
      return { id, type, next: target, template: d.template, page: d.page, data: {}, marketing: d.marketing };
    case 'send_wecom_message':
      return { id, type, next: target, title: d.title, text: '', dueInHours: 24, marketing: d.marketing };
    case 'send_sms':
      return { id, type, next: target, templateCode: '', params: {}, marketing: d.marketing };
    case 'issue_coupon':
      return { id, type, next: target, couponTemplateId: '', marketing: d.marketing };
    case 'add_tag':
    case 'remove_tag':
      return { id, type, next: target, tag: '' };
    case 'create_task':
      return {
        id,
        type,
        next: target,
        taskType: 'follow_up_call',
        title: '',
        script: '',
        priority: 'normal',
        dueInHours: 24,
        assigneeStaffId: null,
      };
    case 'notify_staff':
      return { id, type, next: target, staffId: null, title: '', text: '' };
    case 'exit':
      return { id, type };
  }
}

/** Where an outlet of a node leads now (the entry's is the start). */
export function outletTarget(
  definition: Pick<JourneyDefinition, 'start' | 'steps'>,
  from: string,
  kind: EdgeKind,
): string | null {
  if (from === ENTRY_NODE) return definition.start;
  const step = definition.steps.find((candidate) => candidate.id === from);
  if (!step || step.type === 'exit') return null;
  if (step.type === 'branch') return kind === 'no' ? step.no : step.yes;
  return step.next;
}

function withOutlet(step: JourneyStep, kind: EdgeKind, target: string | null): JourneyStep {
  if (step.type === 'exit') return step;
  if (step.type === 'branch') return kind === 'no' ? { ...step, no: target } : { ...step, yes: target };
  return { ...step, next: target };
}

/** Points one outlet of a node at another step (null: the journey ends there). */
export function setOutlet<D extends Pick<JourneyDefinition, 'start' | 'steps'>>(
  definition: D,
  from: string,
  kind: EdgeKind,
  target: string | null,
): D {
  if (from === ENTRY_NODE) return target ? { ...definition, start: target } : definition;
  return {
    ...definition,
    steps: definition.steps.map((step) => (step.id === from ? withOutlet(step, kind, target) : step)),
  };
}

/**
 * Inserts a new step of the type on an outlet: what the outlet led to now follows the new step (a branch's yes
 * path). Answers the definition and the new step's id.
 */
export function insertStep<D extends Pick<JourneyDefinition, 'start' | 'steps'>>(
  definition: D,
  from: string,
  kind: EdgeKind,
  type: JourneyStepType,
): { definition: D; id: string } {
  const id = newStepId(definition.steps, type);
  const target = outletTarget(definition, from, kind);
  const step = newStep(type, id, target);
  const linked = setOutlet(definition, from, kind, id);
  const index = definition.steps.findIndex((candidate) => candidate.id === from);
  const steps = [...linked.steps];
  steps.splice(index < 0 ? 0 : index + 1, 0, step);
  return { definition: { ...linked, steps }, id };
}

/** Replaces a step by its edited version (same id). */
export function replaceStep<D extends Pick<JourneyDefinition, 'start' | 'steps'>>(definition: D, step: JourneyStep): D {
  return { ...definition, steps: definition.steps.map((candidate) => (candidate.id === step.id ? step : candidate)) };
}

/** Where a removed step's customers would have gone on: its next; a branch's yes (else no); nowhere after an exit. */
function continuation(step: JourneyStep): string | null {
  if (step.type === 'exit') return null;
  if (step.type === 'branch') return step.yes ?? step.no;
  return step.next;
}

/**
 * Removes a step: every outlet (and the start) that led to it leads to where it led. Null when it is the only step
 * (a journey has at least one).
 */
export function removeStep<D extends Pick<JourneyDefinition, 'start' | 'steps'>>(definition: D, id: string): D | null {
  const removed = definition.steps.find((step) => step.id === id);
  if (!removed || definition.steps.length <= 1) return null;
  const after = continuation(removed);
  const relink = (target: string | null) => (target === id ? (after === id ? null : after) : target);
  const steps = definition.steps
    .filter((step) => step !== removed)
    .map((step): JourneyStep => {
      if (step.type === 'exit') return step;
      if (step.type === 'branch') return { ...step, yes: relink(step.yes), no: relink(step.no) };
      return { ...step, next: relink(step.next) };
    });
  const start = definition.start === id ? (relink(id) ?? steps[0]!.id) : definition.start;
  return { ...definition, start, steps };
}

/** A new journey's definition (valid, so it can be saved at once): entered on a tag added, a call for the owner. */
export function blankDefinition(): JourneyDefinition {
  return {
    entry: { kind: 'triggered', event: 'tag.added' },
    reEntry: { policy: 'never' },
    exitOn: [],
    quietHours: null,
    frequencyCap: null,
    start: 'task1',
    steps: [{ ...newStep('create_task', 'task1', null), name: '电话回访', title: '电话回访' } as JourneyStep],
  };
}
