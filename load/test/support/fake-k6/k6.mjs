// The part of k6's `k6` module the scripts use, recording what they do.
export const recorded = { checks: [], sleeps: [] };

export function check(value, sets) {
  let all = true;
  for (const [name, predicate] of Object.entries(sets)) {
    const ok = Boolean(predicate(value));
    recorded.checks.push({ name, ok });
    all &&= ok;
  }
  return all;
}

export function sleep(seconds) {
  recorded.sleeps.push(seconds);
}
