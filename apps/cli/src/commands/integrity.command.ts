import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '#libs/config';
import type { ChainReport, VerifyOptions } from '#libs/event-store';
import { bootInfrastructure, keyFingerprint, type LedgerInfrastructure } from '#libs/infrastructure';

/** Boots, then chains what the log holds and the chain does not yet (unless a running server is doing it). */
async function open(seal: boolean): Promise<LedgerInfrastructure> {
  const config = loadConfig();
  if (config.eventStore !== 'postgres') throw new Error('the hash chain covers the PostgreSQL event store only (README: integrity)');
  const infrastructure = await bootInfrastructure(config, { applicationName: 'ledger-integrity', log: (m) => console.error(m) });
  if (seal) await infrastructure.integrity.sealer.sealPending();
  return infrastructure;
}

function progress(enabled: boolean): { options: Pick<VerifyOptions, 'onProgress'>; stop(): void } {
  if (!enabled) return { options: {}, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { format: 'verifying {bar} {percentage}% | position {value}/{total} | {events} events | {rate} events/s | ETA {eta_formatted}', hideCursor: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  let running = false;
  return {
    options: {
      onProgress: (position, end, events) => {
        if (!running) bar.start(Number(end), 0, { events: 0, rate: 0 });
        running = true;
        bar.update(Number(position), { events, rate: Math.round(events / Math.max((Date.now() - started) / 1000, 0.001)).toLocaleString('en-US') });
      },
    },
    stop: () => running && bar.stop(),
  };
}

function printReport(report: ChainReport, seconds: number): void {
  const rate = Math.round(report.eventsChecked / Math.max(seconds, 0.001));
  console.log(`verified:       ${report.verified}`);
  console.log(`events checked: ${report.eventsChecked} in ${seconds.toFixed(2)} s (${rate} events/s)`);
  console.log(`head:           ${report.head}`);
  console.log(`digest:         ${report.digest}`);
  if (!report.verified) {
    console.log(`first bad:      ${report.firstBadPosition}`);
    console.log(`problem:        ${report.problem}`);
  }
  if (report.pending > 0) console.log(`not chained yet: ${report.pending} events after the head`);
}

/** `ledger verify` and `ledger digest`: the hash-chained log (README: integrity). */
export function registerIntegrity(program: Command): void {
  program
    .command('verify')
    .description('recompute the hash chain from the stored events and report the first event that does not verify (exit 1 if any)')
    .option('--up-to <position>', 'verify up to this position (default: the chain head)')
    .option('--digest <file>', 'also prove the log still extends this signed digest (from `ledger digest`)')
    .option('--no-seal', 'do not chain new events first')
    .option('--no-progress', 'no progress bar')
    .action(async (options: { upTo?: string; digest?: string; seal: boolean; progress: boolean }) => {
      if (options.upTo !== undefined && !/^\d{1,19}$/.test(options.upTo)) throw new Error('--up-to must be a position (digits)');
      const digestText = options.digest === undefined ? undefined : await readFile(options.digest, 'utf8');
      const infrastructure = await open(options.seal);
      const bar = progress(options.progress);
      try {
        const started = Date.now();
        if (digestText !== undefined) {
          const check = await infrastructure.integrity.verifyDigest(digestText, bar.options);
          bar.stop();
          if (check.report) printReport(check.report, (Date.now() - started) / 1000);
          if (!check.extends) {
            console.error(`DIGEST CHECK FAILED: ${check.problem}`);
            process.exitCode = 1;
            return;
          }
          console.log(`the log extends the digest of position ${check.digest!.position} signed ${check.digest!.signedAt} by key ${keyFingerprint(check.digest!.publicKey)}`);
          return;
        }
        const report = await infrastructure.integrity.verify({ ...bar.options, upTo: options.upTo === undefined ? undefined : BigInt(options.upTo) });
        bar.stop();
        printReport(report, (Date.now() - started) / 1000);
        if (!report.verified) process.exitCode = 1;
      } finally {
        bar.stop();
        await infrastructure.close();
      }
    });

  program
    .command('digest')
    .description("verify the chain, then print a digest of its head signed with the ledger's Ed25519 key (made on first use; publish the digest elsewhere)")
    .option('--out <file>', 'also write the digest to this file')
    .option('--no-seal', 'do not chain new events first')
    .action(async (options: { out?: string; seal: boolean }) => {
      const infrastructure = await open(options.seal);
      try {
        const { digest, report } = await infrastructure.integrity.digest();
        if (!digest) {
          console.error(`the chain does not verify, nothing signed: ${report.problem} (position ${report.firstBadPosition})`);
          process.exitCode = 1;
          return;
        }
        const text = JSON.stringify(digest, null, 2) + '\n';
        if (options.out) await writeFile(options.out, text);
        process.stdout.write(text);
        console.error(`signed by key ${keyFingerprint(digest.publicKey)} (${infrastructure.config.signingKeyFile}); publish this digest outside the database`);
      } finally {
        await infrastructure.close();
      }
    });
}
