/** Small helpers for server-rendered HTML: every value goes through `escapeHtml` (or `html`'s interpolation). */

export function escapeHtml(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Raw HTML that `html` inserts as is. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const raw = (value: string) => new Html(value);

type Part = Html | string | number | null | undefined | false | readonly Part[];

function render(part: Part): string {
  if (part === null || part === undefined || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map(render).join('');
  return escapeHtml(part as string | number);
}

/** Tagged template: interpolated strings and numbers are escaped, Html and arrays of them are inserted. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  parts.forEach((part, i) => {
    out += render(part) + strings[i + 1]!;
  });
  return new Html(out);
}

/** JSON to put inside <script type="application/json">: `<` escaped so no `</script>` can end the element. */
export function jsonForScript(value: unknown): Html {
  return raw(JSON.stringify(value).replace(/</g, '\\u003c'));
}

const FORMATS = new Map<string, Intl.DateTimeFormat>();

/** An instant as `YYYY-MM-DD HH:mm` in the business time zone. */
export function formatInstant(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '';
  let format = FORMATS.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    FORMATS.set(timeZone, format);
  }
  return format.format(new Date(iso));
}

export const formatRate = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined ? '–' : `${(value * 100).toFixed(digits)}%`;

export const formatNumber = (value: number | null | undefined, digits = 1): string =>
  value === null || value === undefined ? '–' : value.toFixed(digits);
