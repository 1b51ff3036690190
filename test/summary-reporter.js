// Prints one plain closing line ("tests: N passed, N failed, N skipped") that CI tooling reads.
// Written at exit so that it comes after jest's own summary.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`;
    process.once('exit', () => process.stderr.write(line));
  }
}
