/** One label matcher of an `airworthy.dev/alert-selector` annotation. */
export interface AlertMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  regex?: RegExp;
}

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const OPERATOR = /^(=~|!~|!=|=)/;

/**
 * Parses Alertmanager-style label matchers: `service=jupyterhub,namespace=opf-jupyterhub`,
 * optionally in braces, with `=`, `!=`, `=~` and `!~`, values bare or double-quoted. Regular
 * expressions are anchored, as in Prometheus. Throws an Error that says what is wrong.
 */
export function parseAlertSelector(selector: string): AlertMatcher[] {
  let rest = selector.trim();
  if (rest.startsWith('{') && rest.endsWith('}')) rest = rest.slice(1, -1);
  const matchers: AlertMatcher[] = [];
  for (rest = rest.trim(); rest; rest = rest.trim()) {
    const name = NAME.exec(rest)?.[0];
    if (!name) {
      throw new Error(`expected a label name at "${rest}"`);
    }
    rest = rest.slice(name.length).trim();
    const op = OPERATOR.exec(rest)?.[0] as AlertMatcher['op'] | undefined;
    if (!op) {
      throw new Error(`expected =, !=, =~ or !~ after "${name}"`);
    }
    rest = rest.slice(op.length).trim();
    let value: string;
    if (rest.startsWith('"')) {
      const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
      if (!quoted) throw new Error(`unterminated quoted value of "${name}"`);
      value = quoted[1].replace(/\\(.)/g, '$1');
      rest = rest.slice(quoted[0].length).trim();
    } else {
      const end = rest.indexOf(',');
      value = (end < 0 ? rest : rest.slice(0, end)).trim();
      rest = end < 0 ? '' : rest.slice(end);
    }
    const matcher: AlertMatcher = { name, op, value };
    if (op === '=~' || op === '!~') {
      try {
        matcher.regex = new RegExp(`^(?:${value})$`);
      } catch (e) {
        throw new Error(`invalid regular expression for "${name}": ${value}`);
      }
    }
    matchers.push(matcher);
    if (rest.startsWith(',')) rest = rest.slice(1);
    else if (rest.trim())
      throw new Error(`expected "," before "${rest.trim()}"`);
  }
  if (!matchers.length) throw new Error('no label matchers');
  return matchers;
}

/** Whether alert labels satisfy every matcher (a missing label is the empty string). */
export function matchesAlert(
  matchers: AlertMatcher[],
  labels: Record<string, string>,
): boolean {
  return matchers.every(({ name, op, value, regex }) => {
    const actual = labels[name] ?? '';
    switch (op) {
      case '=':
        return actual === value;
      case '!=':
        return actual !== value;
      case '=~':
        return regex!.test(actual);
      default:
        return !regex!.test(actual);
    }
  });
}
