/** Where the CLI writes; tests pass collectors, the executable passes process streams. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Standard input as text, read only by commands that take `-`. */
  stdin?: () => Promise<string>;
}

/** Parsed command-line flags: `--name value`, `--flag`, and positional arguments. */
export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string | true>;
  /** Every value of each flag, in order (for flags that may repeat, like `--gate`). */
  repeated: Map<string, string[]>;
}

/** Splits argv into positional arguments and flags; `booleans` names flags that take no value. */
export function parseArgs(argv: readonly string[], booleans: ReadonlySet<string>): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const repeated = new Map<string, string[]>();
  const set = (name: string, v: string) => {
    flags.set(name, v);
    repeated.set(name, [...(repeated.get(name) ?? []), v]);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--") || (a.startsWith("-") && a.length === 2 && a !== "-")) {
      const eq = a.indexOf("=");
      const name = (eq > 0 ? a.slice(0, eq) : a).replace(/^--?/, "");
      if (eq > 0) set(name, a.slice(eq + 1));
      else if (booleans.has(name)) flags.set(name, true);
      else {
        const v = argv[i + 1];
        if (v === undefined) throw new Error(`${a} needs a value`);
        set(name, v);
        i++;
      }
    } else positional.push(a);
  }
  return { positional, flags, repeated };
}

/** A flag's string value, or undefined. */
export function flag(args: ParsedArgs, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = args.flags.get(n);
    if (typeof v === "string") return v;
  }
  return undefined;
}
