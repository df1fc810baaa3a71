// Loaded into every supervised process (`--import`): when the supervisor disappears
// without stopping it (SIGKILL, a crashed test runner), the process stops itself
// instead of living on as an orphan holding its port.
const parentPid = process.ppid;

const timer = setInterval(() => {
  if (process.ppid === parentPid) return;
  clearInterval(timer);
  process.kill(process.pid, 'SIGTERM');
  setTimeout(() => process.exit(1), 5000).unref();
}, 1000);
timer.unref();

export {};
