import { Command } from 'commander';

import { loadConfig } from '../config/load.js';
import { ConfigError } from '../core/errors.js';
import { AIRLOCK_VERSION } from '../core/version.js';
import { runTransferSync } from '../scripts/transfer-sync.js';
import { runDeidCommand } from './deid-command.js';
import { runClientAddCommand } from './client-add-command.js';
import { hashPasswordFromStdin, runPasswdCommand } from './passwd-command.js';
import { runServices } from './services.js';

const program = new Command()
  .name('airlock')
  .description('SFTP gateway that de-identifies health data files')
  .version(AIRLOCK_VERSION)
  .showHelpAfterError();

const configOption = ['-c, --config <file>', 'configuration file (YAML)'] as const;

program
  .command('start')
  .description('run the gateway and the processor together')
  .requiredOption(...configOption)
  .action(async (options: { config: string }) => runServices(options.config, 'both'));

program
  .command('gateway')
  .description('run the SFTP gateway alone')
  .requiredOption(...configOption)
  .action(async (options: { config: string }) => runServices(options.config, 'gateway'));

program
  .command('processor')
  .description('run the processor alone')
  .requiredOption(...configOption)
  .action(async (options: { config: string }) => runServices(options.config, 'processor'));

program
  .command('passwd')
  .description('read a password on standard input and print its hash for the configuration')
  .action(async () => runPasswdCommand());

program
  .command('deid')
  .description('de-identify a local file with a profile, exactly as the gateway would')
  .requiredOption(...configOption)
  .requiredOption('-p, --profile <name>', 'profile to apply')
  .argument('<input>', 'input file (.gz for gzip)')
  .argument('<output>', 'output file')
  .action(async (input: string, output: string, options: { config: string; profile: string }) => {
    const config = loadConfig(options.config);
    const stats = await runDeidCommand({ config, profileName: options.profile, inputPath: input, outputPath: output });
    process.stderr.write(`rows read ${stats.rowsRead}, written ${stats.rowsWritten}, rejected ${stats.rowsRejected}\n`);
  });

program
  .command('client')
  .description('manage clients in a configuration file')
  .command('add')
  .description('add a client to the configuration file, keeping its comments')
  .requiredOption(...configOption)
  .requiredOption('--id <id>', 'client id: lowercase letters, digits, "-" or "_"')
  .requiredOption('-p, --profile <name>', 'profile for the client\'s files')
  .option('--public-key <line>', 'an OpenSSH authorized_keys line (repeatable)', collect, [])
  .option('--password', 'read a password on standard input and store its hash')
  .action(async (options: { config: string; id: string; profile: string; publicKey: string[]; password?: boolean }) => {
    const passwordHash = options.password === true ? await hashPasswordFromStdin() : undefined;
    runClientAddCommand({ configFile: options.config, id: options.id, profile: options.profile, publicKeys: options.publicKey, passwordHash });
    process.stderr.write(`client ${options.id} added to ${options.config}; restart Airlock to apply it\n`);
  });

program
  .command('transfer')
  .description('provision the configured clients on an AWS Transfer Family server')
  .command('sync')
  .description('create or update a Transfer Family user for each client; --dry-run shows the plan')
  .requiredOption(...configOption)
  .requiredOption('--server-id <id>', 'Transfer Family server id, such as s-0123456789abcdef0')
  .option('--dry-run', 'print the plan and send no change')
  .action(async (options: { config: string; serverId: string; dryRun?: boolean }) => {
    const config = loadConfig(options.config);
    const dryRun = options.dryRun === true;
    const { failed } = await runTransferSync({ config, serverId: options.serverId, dryRun });
    if (failed > 0) process.exitCode = 1;
  });

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`airlock: ${describeFailure(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});

function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const location = (error as { location?: { line?: number; column?: string } }).location;
    const where = [location?.line === undefined ? '' : `line ${location.line}`, location?.column === undefined ? '' : `column ${location.column}`]
      .filter((part) => part !== '')
      .join(', ');
    return [typeof code === 'string' ? `${code}:` : '', error.message, where === '' ? '' : `(${where})`].filter((part) => part !== '').join(' ');
  }
  return String(error);
}
