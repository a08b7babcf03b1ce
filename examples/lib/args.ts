/** `--name value` and `--flag` command-line arguments of the examples. */
export function cliArgs(argv: string[]) {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    string: value,
    number: (name: string): number | undefined => (value(name) === undefined ? undefined : Number(value(name))),
    flag: (name: string): boolean => argv.includes(`--${name}`),
  };
}
