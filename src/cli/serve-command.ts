import { stopGracefullyOnInterrupt } from '../common/interrupt.js';
import { randomBytes } from 'node:crypto';
import { Command, Option } from 'commander';
import { SpotError } from '../common/errors.js';
import { DuckDbEngine } from '../engine/duckdb.js';
import { ConsoleApi } from '../console/api.js';
import { PRIVATE_RANGES } from '../console/allowlist.js';
import { catalogOfConf, catalogOfScored } from '../console/catalog.js';
import { ConsoleServer, isLoopback } from '../console/server.js';
import { parseNumber } from './options.js';

export const DEFAULT_PORT = 8777;

interface ServeFlags {
  scored?: string;
  conf?: string;
  feedback?: string;
  port: number;
  host: string;
  allowlist?: string;
  internal?: string;
}

/** `spot-ml serve`: the analyst's console over scored days, until Ctrl-C. */
export function serveCommand(): Command {
  return new Command('serve')
    .description("the analyst's console: a local web page to review, explain and rate a run's events, and re-score with the ratings")
    .option('--scored <dir>', 'one scored folder (as given to --scored)')
    .option('--conf <file>', 'every scored day and type of a spot.conf layout (HPATH per type and date)')
    .option('--feedback <file>', 'with --scored: the feedback file ratings go to (default: the run\'s own, else <scored>/../feedback/ml_feedback.csv)')
    .addOption(new Option('--port <P>', 'port (0: any free port)').default(DEFAULT_PORT).argParser(parseNumber('--port', { integer: true, min: 0 })))
    .option('--host <addr>', 'address to listen on; other than loopback, every request needs the access token', '127.0.0.1')
    .option('--allowlist <file>', 'allow-list of IPs, CIDRs and domains to hide (default: allowlist.txt beside the days)')
    .option('--internal <cidrs>', 'internal networks for the network view (default: INTERNAL_NETWORKS of spot.conf, else the private ranges)')
    .action(async (flags: ServeFlags) => {
      if (!flags.scored === !flags.conf) throw new SpotError('give --scored DIR (one run) or --conf spot.conf (every scored day), not both');
      const catalog = flags.scored ? await catalogOfScored(flags.scored, flags.feedback) : await catalogOfConf(flags.conf!);
      if (catalog.entries.length === 0) throw new SpotError(`no scored days found through ${flags.conf}`);
      const accessToken = isLoopback(flags.host) ? undefined : process.env.SPOT_CONSOLE_TOKEN || randomBytes(24).toString('base64url');
      const engine = await DuckDbEngine.open({ threads: 2 });
      const api = new ConsoleApi(engine, catalog, {
        allowlistFile: flags.allowlist ?? catalog.defaultAllowlist,
        internal: flags.internal ?? catalog.internalNetworks ?? PRIVATE_RANGES,
      });
      await api.init();
      const server = new ConsoleServer(api, { host: flags.host, port: flags.port, accessToken });
      const url = await server.listen().catch(async (err) => {
        await engine.close();
        throw err;
      });
      process.stdout.write(`spot-ml console: ${catalog.entries.length} day(s) and type(s) at ${url}${accessToken ? `?token=${accessToken}` : ''}\n`);
      if (accessToken) process.stdout.write('(not loopback: every request needs this access token; set SPOT_CONSOLE_TOKEN to choose it)\n');
      process.stdout.write('press Ctrl-C to stop\n');
      await new Promise<void>((resolve) => stopGracefullyOnInterrupt(() => resolve()));
      await server.close();
      await engine.close();
      process.stdout.write('spot-ml console stopped\n');
    });
}
