import { useEffect, useRef } from 'react';
import cytoscape from 'cytoscape';
import type { OverviewResponse } from '../../shared/api-types.ts';
import { shortName } from '../api.ts';

const COLORS = { healthy: '#16a34a', degraded: '#d97706', down: '#dc2626', external: '#6b7280' } as const;

/** The dependency graph (SPEC §1) with each service coloured by its status and labelled with its fault. */
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
        ...overview.graph.map(([from, to]) => ({ data: { id: `${from}->${to}`, source: from, target: to } })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'text-valign': 'center',
            'text-halign': 'center',
            'text-wrap': 'wrap',
            color: '#fff',
            'font-size': 12,
            'font-weight': 'bold',
            width: 110,
            height: 54,
            shape: 'round-rectangle',
            'background-color': COLORS.external,
          },
        },
        {
          selector: 'edge',
          style: {
            width: 2,
            'line-color': '#9ca3af',
            'target-arrow-color': '#9ca3af',
            'target-arrow-shape': 'triangle',
            'curve-style': 'bezier',
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
      const fault = s.failure ? `\n${s.failure.type}${s.failure.remaining_s === null ? '' : ` ${Math.ceil(s.failure.remaining_s)}s`}` : '';
      node.data('label', `${shortName(s.name)}${fault}`);
      node.style('background-color', COLORS[s.status]);
    }
  }, [overview]);

  return <div ref={container} className="graph" data-testid="service-graph" />;
}
