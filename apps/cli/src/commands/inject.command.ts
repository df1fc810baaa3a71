import { FAULT_LIMITS, FAULT_TYPES, faultTypesFor, type FaultType } from '@archaics/contracts';
import { StackRefusedError, type FaultParams } from '@archaics/client';
import { readCliConfig } from '../client/cli.config.ts';
import { cliCredential, cliStack, commandErrorOf } from '../client/cli-stack.ts';
import { painterFor } from '../format/color.ts';
import { formatSeconds } from '../format/units.ts';
import { intOption, numberOption, secondsOption, SERVICE_ARGUMENT, serviceArgument } from './arguments.ts';
import {
  CommandError,
  defineCommand,
  noMorePositionals,
  UsageError,
  type CommandContext,
  type CommandOptions,
  type ParsedArguments,
} from './command.ts';
import { ENVIRONMENT, usage } from './usage.ts';

const { intensity: INTENSITY, probability: PROBABILITY, duration: DURATION } = FAULT_LIMITS;

const OPTIONS = {
  intensity: { type: 'string', short: 'i' },
  probability: { type: 'string', short: 'p' },
  duration: { type: 'string', short: 'd' },
  json: { type: 'boolean', default: false },
} as const satisfies CommandOptions;

export const injectCommand = defineCommand({
  name: 'inject',
  usage: usage({
    synopsis: 'archaics inject SERVICE TYPE [options]',
    description: `Injects a fault into one business service (POST /inject-failure with the chaos token)
and prints the failure state the service reports. One fault is active per service: a
new injection replaces the old one.`,
    arguments: [
      SERVICE_ARGUMENT,
      [
        'TYPE',
        `timeout   waits 2 × intensity s before handling a request
error     answers HTTP 500 {"error":"injected_error"}
cpu       burns CPU (intensity × 10% of each core) until reset or expiry
crash     the process exits with code 1 (at once when probability is 1)
bad_data  db only: corrupts records of each read (intensity/10 of them)`,
      ],
    ],
    options: [
      ['-i, --intensity <n>', `integer ${INTENSITY.min}..${INTENSITY.max} (default ${INTENSITY.default})`],
      ['-p, --probability <p>', `${PROBABILITY.min}..${PROBABILITY.max}, drawn per request (default ${PROBABILITY.default})`],
      [
        '-d, --duration <s>',
        `seconds, or 90s, 2m, 1h; > 0 and at most ${DURATION.maxSeconds} s\n(default: until \`archaics reset SERVICE\`)`,
      ],
      ['--json', "print the service's answer as JSON"],
    ],
    examples: [
      'archaics inject db timeout --intensity 2 --probability 0.4 --duration 60',
      'archaics inject auth error -p 0.3 -d 90',
      'archaics inject db bad_data --duration 30',
    ],
    exitCode: `0 injected, 2 a bad argument (checked here, or refused by the service with
its reason), 1 the service did not answer or refused the chaos token.`,
    environment: [ENVIRONMENT.chaosToken, ENVIRONMENT.home, ENVIRONMENT.serviceUrls, ENVIRONMENT.portOffset],
  }),
  options: OPTIONS,
  run,
});

async function run({ values, positionals }: ParsedArguments<typeof OPTIONS>, context: CommandContext): Promise<number> {
  const { stdout, stderr, env, cwd } = context;
  const [serviceText, typeText] = positionals;
  if (serviceText === undefined || typeText === undefined)
    throw new UsageError('needs a SERVICE and a fault TYPE, e.g. `archaics inject db timeout`');
  noMorePositionals(positionals, 2);
  const service = serviceArgument(serviceText);
  const type = typeText.trim().toLowerCase();
  if (!(FAULT_TYPES as readonly string[]).includes(type))
    throw new UsageError(`unknown fault type "${typeText}"; one of ${faultTypesFor(service).join(', ')}`);
  if (!faultTypesFor(service).includes(type as FaultType)) {
    throw new UsageError(`${type} applies to db-service only; ${service} takes ${faultTypesFor(service).join(', ')}`);
  }
  const fault: FaultParams = {
    type,
    ...(values.intensity === undefined ? {} : { intensity: intOption('intensity', values.intensity, INTENSITY.min, INTENSITY.max) }),
    ...(values.probability === undefined
      ? {}
      : { probability: numberOption('probability', values.probability, PROBABILITY.min, PROBABILITY.max) }),
    ...(values.duration === undefined ? {} : { duration: secondsOption('duration', values.duration, DURATION.maxSeconds) }),
  };

  const config = readCliConfig(env, cwd);
  const stack = cliStack(config, env);
  const credential = cliCredential(stack);
  let answer;
  try {
    answer = await stack.services.inject(service, fault);
  } catch (error) {
    if (error instanceof StackRefusedError && error.status === 400) {
      // The service's own check disagreed with ours: its detail is the better message.
      stderr.write(`archaics inject: ${service} refused the fault: ${error.reason}\n`);
      return 2;
    }
    if (error instanceof StackRefusedError && (error.status === 401 || error.status === 403)) {
      throw new CommandError(
        `${service} refused the chaos token (HTTP ${error.status}: ${error.reason}); the token came from ${credential.source}`,
      );
    }
    throw commandErrorOf(error);
  }

  if (values.json) {
    stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
    return 0;
  }
  const paint = painterFor(stdout, env);
  const f = answer.failure;
  const until =
    f.expires_at === null
      ? 'until reset'
      : `for ${formatSeconds(Math.round(f.remaining_s ?? 0))} (until ${f.expires_at.slice(11, 19)} UTC)`;
  stdout.write(
    `${paint('bold', service)}: ${paint('yellow', `${f.type} injected`)} — intensity ${f.intensity}, probability ${f.probability}, ${until}\n`,
  );
  if (f.type === 'crash' && f.probability >= 1) stdout.write('  the process exits now; under `npm start` the supervisor restarts it\n');
  stdout.write(`  see it: archaics status    undo it: archaics reset ${service.replace(/-service$/, '')}\n`);
  return 0;
}
