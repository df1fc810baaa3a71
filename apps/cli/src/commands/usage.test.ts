import { describe, expect, it } from 'vitest';
import { ENVIRONMENT, usage } from './usage.ts';

describe(usage.name, () => {
  const text = usage({
    synopsis: 'archaics demo NAME [options]',
    description: 'Does a demo.',
    arguments: [['NAME', 'what to show\nover two lines']],
    options: [
      ['-x, --extra <n>', 'an extra'],
      ['--json', 'print JSON'],
    ],
    examples: ['archaics demo one'],
    exitCode: '0 shown.',
    environment: [ENVIRONMENT.serviceUrls, ENVIRONMENT.portOffset],
  });

  it('prints the sections in order, with -h, --help after the options', () => {
    expect(text).toBe(
      [
        'archaics demo NAME [options]',
        '',
        'Does a demo.',
        '',
        'arguments:',
        '  NAME  what to show',
        '        over two lines',
        '',
        'options:',
        '  -x, --extra <n>  an extra',
        '      --json       print JSON',
        '  -h, --help       show this help',
        '',
        'examples:',
        '  archaics demo one',
        '',
        'exit code: 0 shown.',
        '',
        'environment:',
        '  AUTH_SERVICE_URL, DB_SERVICE_URL, PRODUCT_SERVICE_URL, PAYMENT_SERVICE_URL',
        '                        where the services are (default http://127.0.0.1:800N + offset)',
        '  ARCHAICS_PORT_OFFSET  added to every canonical port, to run a second stack (default 0)',
        '',
      ].join('\n'),
    );
  });

  it('leaves out the sections a command does not have', () => {
    expect(usage({ synopsis: 'archaics bare', description: 'Bare.' })).toBe(
      'archaics bare\n\nBare.\n\noptions:\n  -h, --help  show this help\n',
    );
  });
});
