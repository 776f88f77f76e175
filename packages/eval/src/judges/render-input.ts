import type { Message } from "@keel/core";

/** A case input as plain text for a judge prompt (a conversation becomes `role: text` lines). */
export function inputText(input: string | Message[]): string {
  if (typeof input === "string") return input;
  return input
    .map((m) => {
      const content =
        typeof m.content === "string"
          ? m.content
          : m.content
              .map((p) => ("text" in p && typeof p.text === "string" ? p.text : `[${p.type}]`))
              .join("");
      return `${m.role}: ${content}`;
    })
    .join("\n");
}

/** Wraps untrusted text in a delimited block so the judge reads it as data, not instructions. */
export function fenced(tag: string, text: string): string {
  return `<${tag}>\n${text.replaceAll(`</${tag}>`, `<\\/${tag}>`)}\n</${tag}>`;
}
