/**
 * The builder's picture of a definition: the entry and each step as a node, arranged top to bottom in layers (a
 * step sits below every step that leads to it, except along a loop), and the edges between them (start, next, a
 * branch's yes and no), with the outlets that end the journey and the ones pointing at a step that does not exist.
 * Pure data in, coordinates out: the page draws it as boxes over an SVG of the edges.
 */
import type { JourneyDefinition, JourneyStep } from './types';

/** The entry node's id (no step id can start with an underscore). */
export const ENTRY_NODE = '_entry';

export type EdgeKind = 'start' | 'next' | 'yes' | 'no';

export interface GraphNode {
  /** The step's id (a duplicate id's later steps: `id~index`), or ENTRY_NODE. */
  key: string;
  step: JourneyStep | null;
  /** The step's index in the definition; -1 for the entry. */
  index: number;
  rank: number;
  x: number;
  y: number;
}

export interface GraphEdge {
  key: string;
  from: string;
  to: string;
  kind: EdgeKind;
  /** Goes back up (a loop through a wait): drawn round the side. */
  back: boolean;
  /** The SVG path. */
  path: string;
  /** Where its label (是 / 否) goes. */
  labelAt: { x: number; y: number };
}

/** An outlet that ends the journey (null), or that names a step that does not exist. */
export interface GraphOutlet {
  from: string;
  kind: EdgeKind;
  target: string | null;
  x: number;
  y: number;
}

export interface JourneyLayout {
  nodes: GraphNode[];
  edges: GraphEdge[];
  ends: GraphOutlet[];
  dangling: GraphOutlet[];
  width: number;
  height: number;
}

export interface LayoutOptions {
  nodeWidth: number;
  nodeHeight: number;
  columnGap: number;
  rowGap: number;
  padding: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = {
  nodeWidth: 210,
  nodeHeight: 96,
  columnGap: 40,
  rowGap: 64,
  padding: 24,
};

/** A step's outlets in drawing order: a branch's yes before its no. */
export function outletsOf(step: JourneyStep): { kind: EdgeKind; target: string | null }[] {
  if (step.type === 'branch') {
    return [
      { kind: 'yes', target: step.yes },
      { kind: 'no', target: step.no },
    ];
  }
  if (step.type === 'exit') return [];
  return [{ kind: 'next', target: step.next }];
}

/** Where on the node's bottom an outlet leaves: a branch's yes on the left, no on the right. */
function outletX(kind: EdgeKind, x: number, width: number): number {
  if (kind === 'yes') return x + width * 0.3;
  if (kind === 'no') return x + width * 0.7;
  return x + width / 2;
}

export function layoutJourney(
  definition: Pick<JourneyDefinition, 'start' | 'steps'>,
  options: LayoutOptions = DEFAULT_LAYOUT,
): JourneyLayout {
  const { nodeWidth: w, nodeHeight: h, columnGap, rowGap, padding } = options;
  // Nodes: the entry, then each step (a repeated id keeps its first step as the target of edges).
  const nodes: GraphNode[] = [{ key: ENTRY_NODE, step: null, index: -1, rank: 0, x: 0, y: 0 }];
  const byId = new Map<string, string>();
  definition.steps.forEach((step, index) => {
    const key = byId.has(step.id) ? `${step.id}~${index}` : step.id;
    if (!byId.has(step.id)) byId.set(step.id, key);
    nodes.push({ key, step, index, rank: 0, x: 0, y: 0 });
  });
  const nodeOf = new Map(nodes.map((node) => [node.key, node]));

  // Outgoing edges (to existing steps) and the outlets that end or dangle.
  type Link = { from: string; to: string; kind: EdgeKind };
  const out = new Map<string, Link[]>(nodes.map((node) => [node.key, []]));
  const endOutlets: { from: string; kind: EdgeKind; target: string | null }[] = [];
  const danglingOutlets: { from: string; kind: EdgeKind; target: string | null }[] = [];
  const startKey = byId.get(definition.start);
  if (startKey) out.get(ENTRY_NODE)!.push({ from: ENTRY_NODE, to: startKey, kind: 'start' });
  else danglingOutlets.push({ from: ENTRY_NODE, kind: 'start', target: definition.start });
  for (const node of nodes) {
    if (!node.step) continue;
    for (const outlet of outletsOf(node.step)) {
      if (outlet.target === null) endOutlets.push({ from: node.key, ...outlet });
      else if (byId.has(outlet.target)) {
        out.get(node.key)!.push({ from: node.key, to: byId.get(outlet.target)!, kind: outlet.kind });
      } else danglingOutlets.push({ from: node.key, ...outlet });
    }
  }

  // Depth-first from the entry (then from each step nothing reaches): back edges close loops; preorder sorts rows.
  const state = new Map<string, 'open' | 'done'>();
  const back = new Set<Link>();
  const preorder = new Map<string, number>();
  const postorder: string[] = [];
  const visit = (key: string) => {
    state.set(key, 'open');
    preorder.set(key, preorder.size);
    for (const link of out.get(key)!) {
      const seen = state.get(link.to);
      if (seen === 'open') back.add(link);
      else if (!seen) visit(link.to);
    }
    state.set(key, 'done');
    postorder.push(key);
  };
  visit(ENTRY_NODE);
  const reachedCount = postorder.length;
  for (const node of nodes) if (!state.has(node.key)) visit(node.key);

  // Layers: the longest path from the entry along forward edges (a join sits below all its predecessors). Steps
  // the entry does not reach sit just above the first step they lead to (beside the entry when that is the start's
  // layer), so nothing they lead to moves and their edges still point down.
  const predecessors = new Map<string, string[]>(nodes.map((node) => [node.key, []]));
  const forward = (key: string) => out.get(key)!.filter((link) => !back.has(link));
  for (const key of postorder.slice(0, reachedCount).reverse()) {
    const node = nodeOf.get(key)!;
    for (const link of forward(key)) {
      const target = nodeOf.get(link.to)!;
      target.rank = Math.max(target.rank, node.rank + 1);
      predecessors.get(link.to)!.push(key);
    }
  }
  for (const key of postorder.slice(reachedCount)) {
    const node = nodeOf.get(key)!;
    const targets = forward(key).map((link) => nodeOf.get(link.to)!);
    node.rank = targets.length ? Math.max(0, Math.min(...targets.map((target) => target.rank)) - 1) : 1;
    for (const link of forward(key)) predecessors.get(link.to)!.push(key);
  }

  // Order within each layer: by the mean position of the predecessors above (then discovery order).
  const ranks: GraphNode[][] = [];
  for (const node of nodes) (ranks[node.rank] ??= []).push(node);
  const position = new Map<string, number>();
  ranks.forEach((row, rank) => {
    const score = (node: GraphNode) => {
      const above = predecessors.get(node.key)!.filter((key) => nodeOf.get(key)!.rank < rank);
      if (!above.length || rank === 0) return Number.POSITIVE_INFINITY;
      // A branch's yes child leans left of its no child.
      const lean = (key: string) => {
        const kind = out.get(key)!.find((link) => link.to === node.key)?.kind;
        return kind === 'yes' ? -0.25 : kind === 'no' ? 0.25 : 0;
      };
      return above.reduce((sum, key) => sum + position.get(key)! + lean(key), 0) / above.length;
    };
    row.sort((a, b) => {
      const diff = score(a) - score(b);
      return Number.isFinite(diff) && diff !== 0 ? diff : preorder.get(a.key)! - preorder.get(b.key)!;
    });
    row.forEach((node, index) => position.set(node.key, index));
  });

  // Coordinates: each row centred under the widest.
  const widest = Math.max(...ranks.map((row) => row.length));
  const width = padding * 2 + widest * w + (widest - 1) * columnGap + (back.size ? 60 : 0);
  const height = padding * 2 + ranks.length * h + (ranks.length - 1) * rowGap + 28;
  ranks.forEach((row, rank) => {
    const rowWidth = row.length * w + (row.length - 1) * columnGap;
    const left = padding + (widest * w + (widest - 1) * columnGap - rowWidth) / 2;
    row.forEach((node, index) => {
      node.x = Math.round(left + index * (w + columnGap));
      node.y = padding + rank * (h + rowGap);
    });
  });

  const edges: GraphEdge[] = [];
  for (const node of nodes) {
    for (const link of out.get(node.key)!) {
      const target = nodeOf.get(link.to)!;
      const isBack = back.has(link) || target.rank <= node.rank;
      let path: string;
      let labelAt: { x: number; y: number };
      if (isBack) {
        const sx = node.x + w;
        const sy = node.y + h / 2;
        const tx = target.x + w;
        const ty = target.y + h / 2;
        const bulge = Math.max(sx, tx) + 48;
        path = `M ${sx} ${sy} C ${bulge} ${sy}, ${bulge} ${ty}, ${tx} ${ty}`;
        labelAt = { x: bulge - 12, y: (sy + ty) / 2 };
      } else {
        const sx = outletX(link.kind, node.x, w);
        const sy = node.y + h;
        const tx = target.x + w / 2;
        const ty = target.y;
        const bend = (ty - sy) / 2;
        path = `M ${sx} ${sy} C ${sx} ${sy + bend}, ${tx} ${ty - bend}, ${tx} ${ty}`;
        labelAt = { x: sx, y: sy + 16 };
      }
      edges.push({
        key: `${link.from}:${link.kind}`,
        from: link.from,
        to: link.to,
        kind: link.kind,
        back: isBack,
        path,
        labelAt,
      });
    }
  }
  const place = (outlet: { from: string; kind: EdgeKind; target: string | null }): GraphOutlet => {
    const node = nodeOf.get(outlet.from)!;
    return { ...outlet, x: outletX(outlet.kind, node.x, w), y: node.y + h };
  };
  return { nodes, edges, ends: endOutlets.map(place), dangling: danglingOutlets.map(place), width, height };
}
