import { parseArgs } from 'node:util';
import { BUSINESS_SERVICES, type BusinessService } from '@archaics/contracts';
import { readChaosToken, readCliConfig, type ChaosToken } from '../client/cli.config.ts';
import { REASON_HEADER, ServiceClient, ServiceRefusedError } from '../client/service.client.ts';
import { painterFor } from '../format/color.ts';
import { renderTable } from '../format/table.ts';
import { noMorePositionals, serviceArgument } from './arguments.ts';
import { CommandError, UsageError, type Command, type CommandContext } from './command.ts';

/** The reason sent with `--all` when none is given. */
export const DEFAULT_HALT_REASON = 'halt-all from the archaics CLI';

const USAGE = `archaics reset SERVICE [--reason TEXT]
archaics reset --all [--reason TEXT]

Clears the active fault (POST /reset with the chaos token).

  SERVICE         auth, db, product, payment (or auth-service, ...)
  -a, --all       halt-all: resets every business service, goes on past a service that
                  fails, reports each one, and exits 1 if any reset failed
  -r, --reason    why: printed here, and sent to every service in the ${REASON_HEADER}
                  header (with --all the default is "${DEFAULT_HALT_REASON}")
      --json      print the outcome of each service as JSON
  -h, --help      show this help

examples:
  archaics reset db
  archaics reset --all --reason "experiment over"

environment: CHAOS_TOKEN (else ARCHAICS_HOME/chaos-token), the service URL variables
(AUTH_SERVICE_URL, ...) and ARCHAICS_PORT_OFFSET, as for \`archaics status\`.
`;

export const resetCommand: Command = {
  name: 'reset',
  summary: 'clear the fault of one service, or of all of them (--all)',
  usage: USAGE,
  run,
};

interface Outcome {
  readonly service: BusinessService;
  readonly url: string;
  readonly ok: boolean;
  /** The fault type that was cleared, null when none was active. */
  readonly cleared: string | null;
  readonly error: string | null;
}

async function run(argv: readonly string[], context: CommandContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      all: { type: 'boolean', short: 'a', default: false },
      reason: { type: 'string', short: 'r' },
      json: { type: 'boolean', default: false },
    },
  });
  const { stdout, stderr, env, cwd } = context;
  noMorePositionals(positionals, 1);
  const named = positionals[0];
  if (values.all && named !== undefined) throw new UsageError(`give a SERVICE or --all, not both (got "${named}" and --all)`);
  if (!values.all && named === undefined) throw new UsageError('which service? `archaics reset db`, or `archaics reset --all` for every one');
  if (values.reason !== undefined && values.reason.trim() === '') throw new UsageError('--reason needs some text');
  const services: BusinessService[] = values.all ? [...BUSINESS_SERVICES] : [serviceArgument(named ?? '')];
  const reason = values.reason?.trim() ?? (values.all ? DEFAULT_HALT_REASON : undefined);

  const config = readCliConfig(env, cwd);
  const token = readChaosToken(env, config.home);
  const paint = painterFor(stdout, env);
  if (!values.json) {
    if (values.all) stdout.write(`halt-all: resetting every service${reason === undefined ? '' : ` — reason: ${reason}`}\n`);
    else if (reason !== undefined) stdout.write(`reason: ${reason}\n`);
  }

  const outcomes = await Promise.all(services.map((service) => resetOne(service, config.services[service], token, reason)));
  if (values.json) {
    stdout.write(`${JSON.stringify({ reason: reason ?? null, services: outcomes }, null, 2)}\n`);
  } else if (values.all) {
    const rows = outcomes.map((o) => [o.service, o.ok ? paint('green', 'reset') : paint('red', 'FAILED'), o.ok ? clearedText(o.cleared) : (o.error ?? '')]);
    stdout.write(renderTable([{ header: 'service' }, { header: 'outcome' }, { header: 'detail' }], rows));
  } else {
    const [outcome] = outcomes;
    if (outcome?.ok) stdout.write(`${paint('bold', outcome.service)}: ${paint('green', 'reset')} — ${clearedText(outcome.cleared)}\n`);
  }

  const failed = outcomes.filter((o) => !o.ok);
  if (!values.all && failed[0]) throw new CommandError(failed[0].error ?? `${failed[0].service}: reset failed`);
  for (const outcome of failed) stderr.write(`archaics reset: ${outcome.error}\n`);
  if (values.all && !values.json) {
    stdout.write(failed.length === 0 ? `every service reset (${outcomes.length})\n` : `${failed.length} of ${outcomes.length} could not be reset\n`);
  }
  return failed.length === 0 ? 0 : 1;
}

async function resetOne(service: BusinessService, url: string, token: ChaosToken, reason: string | undefined): Promise<Outcome> {
  try {
    const answer = await new ServiceClient(service, url, { token: token.value }).reset(reason);
    return { service, url, ok: true, cleared: answer.cleared, error: null };
  } catch (error) {
    let message = error instanceof Error ? error.message : String(error);
    if (error instanceof ServiceRefusedError && (error.status === 401 || error.status === 403)) {
      message = `${service} refused the chaos token (HTTP ${error.status}: ${error.detail}); the token came from ${token.source}`;
    }
    return { service, url, ok: false, cleared: null, error: message };
  }
}

function clearedText(cleared: string | null): string {
  return cleared === null ? 'no fault was active' : `cleared ${cleared}`;
}
