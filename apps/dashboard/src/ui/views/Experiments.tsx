/** Experiment journals (issue 9) will be listed here. */
export function ExperimentsView() {
  return (
    <section>
      <h2>Experiments</h2>
      <p className="muted">Chaos experiment journals will appear here once experiments can be run (<code>archaics experiment</code>).</p>
    </section>
  );
}
