// Module hooks for running the k6 scripts under Node in tests: `k6` and `k6/http` resolve to the fakes
// beside this file; anything else a k6 script imports is an error (k6 could not load it either).
const FAKES = {
  k6: new URL('./k6.mjs', import.meta.url).href,
  'k6/http': new URL('./k6-http.mjs', import.meta.url).href,
};

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL?.includes('/load/k6/')) {
    const fake = FAKES[specifier];
    if (fake) return { url: fake, shortCircuit: true };
    throw new Error(
      `${context.parentURL} imports "${specifier}": a k6 script may import only k6 modules (faked here: ${Object.keys(FAKES).join(', ')})`,
    );
  }
  return nextResolve(specifier, context);
}
