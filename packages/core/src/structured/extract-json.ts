/**
 * Finds the JSON in a model's free-text answer: the first fenced code block, else the whole
 * answer when it is JSON, else the first balanced `{...}` or `[...]` span. Returns the answer
 * trimmed when nothing better is found, so the parse error that follows names the real text.
 */
export function extractJsonText(text: string): string {
  const fenced = /```[\w-]*[ \t]*\r?\n?([\s\S]*?)```/.exec(text);
  if (fenced?.[1] !== undefined && fenced[1].trim() !== "") return fenced[1].trim();
  const trimmed = text.trim();
  if (isJson(trimmed)) return trimmed;
  const start = trimmed.search(/[[{]/);
  if (start === -1) return trimmed;
  const end = matchingClose(trimmed, start);
  return end === -1 ? trimmed.slice(start) : trimmed.slice(start, end + 1);
}

/**
 * The JSON-looking part of an answer that is still streaming: what follows an opening code
 * fence (up to its closing fence, if any), else what starts at the first `{` or `[`.
 */
export function extractPartialJsonText(text: string): string | undefined {
  const fence = /```[\w-]*[ \t]*\r?\n/.exec(text);
  if (fence) {
    const body = text.slice(fence.index + fence[0].length);
    const close = body.indexOf("```");
    return close === -1 ? body : body.slice(0, close);
  }
  const start = text.search(/[[{]/);
  return start === -1 ? undefined : text.slice(start);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Index of the bracket closing the one at `start`, skipping brackets inside strings; -1 if none. */
function matchingClose(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
