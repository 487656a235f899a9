// Command-line options for the benchmarks: `--name value` and bare `--flag`.
const argv = process.argv.slice(2);

/** The value after `--name`, or `fallback` when the option (or its value) is missing. */
export function option(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
}

/** Whether `--name` was given. */
export function flag(name: string): boolean {
  return argv.includes(`--${name}`);
}

type OptionValue = string | number | boolean;

/**
 * All of `defaults`' options from the command line, strictly: `--name value`
 * (a number where the default is one), a bare `--name` where the default is a
 * boolean; an unknown option, a missing value or a number that is not one
 * throws. A preset (a boolean option named in `presets`) given on the command
 * line applies its values first, and the options given explicitly win over it.
 */
export function parseOptions<T extends Record<string, OptionValue>>(defaults: T, presets: { [K in keyof T]?: Partial<T> } = {}, args: string[] = argv): T {
  const o: Record<string, OptionValue> = { ...defaults };
  for (const [name, preset] of Object.entries(presets)) if (args.includes(`--${name}`)) Object.assign(o, preset, { [name]: true });
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
    const name = arg.slice(2);
    if (!(name in defaults)) throw new Error(`unknown option --${name} (known: ${Object.keys(defaults).join(", ")})`);
    if (typeof defaults[name] === "boolean") {
      o[name] = true;
      continue;
    }
    const value = args[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    o[name] = typeof defaults[name] === "number" ? Number(value) : value;
    if (typeof o[name] === "number" && !Number.isFinite(o[name])) throw new Error(`--${name} must be a number`);
  }
  return o as T;
}
