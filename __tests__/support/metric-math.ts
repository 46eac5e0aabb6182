/**
 * Evaluates the synthesized CloudWatch alarms on synthetic datapoints, so a test can show what an alarm does in an
 * outage rather than what its text says. Covers the subset of CloudWatch metric math the stacks use (numbers, query
 * ids, + - * /, comparisons, FILL(series, value), IF(condition, then, else)) with CloudWatch's semantics for missing
 * data: arithmetic on a missing point is missing, FILL replaces it ("Using metric math", CloudWatch User Guide), and
 * the alarm's treat_missing_data decides what a missing point counts as ("Configuring how CloudWatch alarms treat
 * missing data").
 */

/** One value per period; undefined is a missing datapoint. */
export type Series = readonly (number | undefined)[];

type Node =
  | { kind: "number"; value: number }
  | { kind: "id"; name: string }
  | { kind: "call"; name: string; args: Node[] }
  | { kind: "binary"; op: string; left: Node; right: Node };

function tokenize(text: string): string[] {
  const tokens = text.match(/\s*(\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|>=|<=|==|[-+*/(),<>])/g);
  if (!tokens || tokens.join("").replace(/\s/g, "") !== text.replace(/\s/g, "")) throw new Error(`cannot read metric math: ${text}`);
  return tokens.map((t) => t.trim());
}

function parse(text: string): Node {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const token = tokens[i++];
    if (expected && token !== expected) throw new Error(`expected ${expected} in ${text}, got ${token}`);
    return token;
  };
  const levels = [["<", ">", "<=", ">=", "=="], ["+", "-"], ["*", "/"]];
  const binary = (level: number): Node => {
    if (level === levels.length) return primary();
    let left = binary(level + 1);
    while (levels[level].includes(peek())) {
      const op = take();
      left = { kind: "binary", op, left, right: binary(level + 1) };
    }
    return left;
  };
  const primary = (): Node => {
    const token = take();
    if (token === "(") {
      const inner = binary(0);
      take(")");
      return inner;
    }
    if (/^\d/.test(token)) return { kind: "number", value: Number(token) };
    if (peek() === "(") {
      take("(");
      const args: Node[] = [];
      while (peek() !== ")") {
        args.push(binary(0));
        if (peek() === ",") take(",");
      }
      take(")");
      return { kind: "call", name: token.toUpperCase(), args };
    }
    return { kind: "id", name: token };
  };
  const node = binary(0);
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]} in ${text}`);
  return node;
}

function evaluateNode(node: Node, series: Readonly<Record<string, Series>>, length: number): Series {
  const at = (n: Node): Series => evaluateNode(n, series, length);
  switch (node.kind) {
    case "number":
      return Array.from({ length }, () => node.value);
    case "id": {
      const found = series[node.name];
      if (!found) throw new Error(`metric math names ${node.name}, which no query defines`);
      return found;
    }
    case "call": {
      const args = node.args.map(at);
      if (node.name === "FILL") return args[0].map((v, i) => v ?? args[1][i]);
      if (node.name === "IF") return args[0].map((c, i) => (c === undefined ? undefined : c !== 0 ? args[1][i] : args[2][i]));
      throw new Error(`metric math function ${node.name} is not modelled here`);
    }
    case "binary": {
      const [l, r] = [at(node.left), at(node.right)];
      return l.map((a, i) => {
        const b = r[i];
        if (a === undefined || b === undefined) return undefined;
        switch (node.op) {
          case "+": return a + b;
          case "-": return a - b;
          case "*": return a * b;
          case "/": return b === 0 ? undefined : a / b;
          case ">": return a > b ? 1 : 0;
          case "<": return a < b ? 1 : 0;
          case ">=": return a >= b ? 1 : 0;
          case "<=": return a <= b ? 1 : 0;
          default: return a === b ? 1 : 0;
        }
      });
    }
  }
}

/**
 * The series an alarm evaluates: its metric, or its metric-math query with each metric's datapoints given by metric
 * name (`{ RequestCount: [...], HTTPCode_ELB_5XX_Count: [...] }`), or by name and dimension values where one metric
 * appears with several (`{ "BlockedRequests{Rule=ALL}": [...] }`: every dimension listed must match).
 */
export function alarmSeries(alarm: any, data: Readonly<Record<string, Series>>, length: number): Series {
  const pick = (name: string, dimensions: Readonly<Record<string, string>> = {}): Series => {
    const keyed = Object.keys(data).find((key) => {
      const match = /^([^{]+)\{(.*)\}$/.exec(key);
      return match?.[1] === name && match[2].split(",").every((pair) => dimensions[pair.split("=")[0]] === pair.split("=").slice(1).join("="));
    });
    return data[keyed ?? name] ?? Array.from({ length }, () => undefined);
  };
  if (!alarm.metric_query) return pick(alarm.metric_name, alarm.dimensions);
  const series: Record<string, Series> = {};
  let result: Series | undefined;
  for (const query of alarm.metric_query) {
    series[query.id] = query.metric ? pick(query.metric.metric_name, query.metric.dimensions) : evaluateNode(parse(query.expression), series, length);
    if (query.return_data) result = series[query.id];
  }
  if (!result) throw new Error(`alarm ${alarm.alarm_name} returns no series`);
  return result;
}

/** ALARM or OK after the last evaluation period, per the alarm's comparison, M-of-N and missing-data treatment. */
export function alarmState(alarm: any, data: Readonly<Record<string, Series>>, length: number): "ALARM" | "OK" {
  const values = alarmSeries(alarm, data, length).slice(-alarm.evaluation_periods);
  const breaches = (v: number) =>
    ({
      GreaterThanThreshold: v > alarm.threshold,
      GreaterThanOrEqualToThreshold: v >= alarm.threshold,
      LessThanThreshold: v < alarm.threshold,
      LessThanOrEqualToThreshold: v <= alarm.threshold,
    })[alarm.comparison_operator as string] ?? false;
  const breaching = values.filter((v) => (v === undefined ? alarm.treat_missing_data === "breaching" : breaches(v))).length;
  return breaching >= (alarm.datapoints_to_alarm ?? alarm.evaluation_periods) ? "ALARM" : "OK";
}
