/** Command-line checks the benchmarks share: a usage error is one line and exit status 2, no stack trace. */
export function usage(bench: string) {
  const fail = (message: string): never => {
    console.error(`${bench}: ${message}`);
    process.exit(2);
  };
  /** A flag's whole-number value, at least `min`. */
  const whole = (name: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) fail(`--${name} must be a whole number >= ${min} (got ${value})`);
    return n;
  };
  return { fail, whole };
}
