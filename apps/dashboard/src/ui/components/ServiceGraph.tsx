import { useEffect, useRef } from 'react';
import cytoscape from 'cytoscape';
import type { OverviewResponse } from '../../shared/api-types.ts';
import { shortName } from '../api.ts';

const COLORS = { healthy: '#16a34a', degraded: '#d97706', down: '#dc2626', external: '#6b7280', edgeFault: '#dc2626' } as const;
const EDGE = '#9ca3af';
const NODE_HEIGHT = 54;
/** The label's width inside a node, and about how wide a bold 12 px character is. */
const LABEL_PX = 104;
const CHAR_PX = 7.5;

/** The edge faults of the overview: a caller's fault with a `target`, drawn on the edge caller → target. */
function edgeFaults(overview: OverviewResponse): Array<{ id: string; from: string; to: string; type: string }> {
  return overview.services.flatMap((s) =>
    s.failures.flatMap((f) => (f.target === undefined ? [] : [{ id: `${s.name}->${f.target}`, from: s.name, to: f.target, type: f.type }])),
  );
}

/**
 * The dependency graph (SPEC §1) with each service coloured by its status and labelled with its
 * service and route faults; an edge fault colours and labels its edge, and is listed under the graph.
 */
export function ServiceGraph({ overview }: { overview: OverviewResponse }) {
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<cytoscape.Core | null>(null);

  useEffect(() => {
    if (!container.current) return undefined;
    const nodes = new Set<string>();
    for (const [from, to] of overview.graph) nodes.add(from).add(to);
    for (const s of overview.services) nodes.add(s.name);
    const instance = cytoscape({
      container: container.current,
      elements: [
        ...[...nodes].map((id) => ({ data: { id, label: shortName(id) } })),
        ...overview.graph.map(([from, to]) => ({ data: { id: `${from}->${to}`, source: from, target: to, label: '' } })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'text-valign': 'center',
            'text-halign': 'center',
            'text-wrap': 'wrap',
            'text-max-width': `${LABEL_PX}px`,
            color: '#fff',
            'font-size': 12,
            'font-weight': 'bold',
            width: 110,
            height: NODE_HEIGHT,
            shape: 'round-rectangle',
            'background-color': COLORS.external,
          },
        },
        {
          selector: 'edge',
          style: {
            width: 2,
            'line-color': EDGE,
            'target-arrow-color': EDGE,
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
            label: 'data(label)',
            'font-size': 11,
            'font-weight': 'bold',
            color: COLORS.edgeFault,
            'text-background-color': '#fff',
            'text-background-opacity': 1,
            'text-background-padding': '2px',
          },
        },
      ],
      layout: { name: 'breadthfirst', directed: true, roots: ['product-service', 'payment-service'], spacingFactor: 1.1, padding: 10 },
      userZoomingEnabled: false,
      userPanningEnabled: false,
      boxSelectionEnabled: false,
      autoungrabify: true,
    });
    cy.current = instance;
    return () => {
      instance.destroy();
      cy.current = null;
    };
    // The graph's shape never changes; statuses are applied below.
    // The dependency list is deliberate (fewer entries than the values the effect reads).
  }, []);

  useEffect(() => {
    const instance = cy.current;
    if (!instance) return;
    for (const s of overview.services) {
      const node = instance.getElementById(s.name);
      // The node carries the service's own faults; its edge faults go on the edges.
      const own = s.failures
        .filter((f) => f.target === undefined)
        .map(
          (f) => `${f.type}${f.route === undefined ? '' : ` ${f.route}`}${f.remaining_s === null ? '' : ` ${Math.ceil(f.remaining_s)}s`}`,
        );
      const lines = [shortName(s.name), ...own];
      node.data('label', lines.join('\n'));
      // Taller for each line (and each wrapped one) of its faults, so that the label stays inside.
      const rows = lines.reduce((sum, line) => sum + Math.ceil((line.length * CHAR_PX) / LABEL_PX), 0);
      node.style({ 'background-color': COLORS[s.status], height: Math.max(NODE_HEIGHT, 14 + rows * 15) });
    }
    const faulted = new Map(edgeFaults(overview).map((e) => [e.id, e.type]));
    instance.edges().forEach((edge) => {
      const type = faulted.get(edge.id());
      edge.data('label', type ?? '');
      const color = type === undefined ? EDGE : COLORS.edgeFault;
      edge.style({ 'line-color': color, 'target-arrow-color': color, width: type === undefined ? 2 : 4 });
    });
    // A node grown by its fault lines may reach past the box: fit the view to what is drawn now.
    instance.fit(undefined, 10);
  }, [overview]);

  const edges = edgeFaults(overview);
  return (
    <div className="graph-box">
      <div ref={container} className="graph" data-testid="service-graph" />
      {edges.length > 0 && (
        <ul className="edge-faults" aria-label="edge faults">
          {edges.map((e) => (
            <li key={e.id} data-testid={`edge-fault-${e.from}-${e.to}`} data-type={e.type}>
              {shortName(e.from)} → {shortName(e.to)}: <strong>{e.type}</strong>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
