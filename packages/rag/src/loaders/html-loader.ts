import type { Metadata } from "@keel/core/search";
import { Parser } from "htmlparser2";
import { checkDocument } from "../chunkers/check-document.js";
import type { RagDocument } from "../types.js";
import { decodeText } from "./decode-text.js";

const SKIP = new Set(["script", "style", "noscript", "template", "svg", "head", "iframe", "object"]);
const BLOCK = new Set([
  "p",
  "div",
  "section",
  "article",
  "main",
  "header",
  "footer",
  "aside",
  "nav",
  "blockquote",
  "pre",
  "table",
  "tr",
  "ul",
  "ol",
  "dl",
  "dt",
  "dd",
  "figure",
  "figcaption",
  "form",
  "hr",
  "address",
  "details",
  "summary",
]);
const HEADING = /^h([1-6])$/;

/**
 * Converts HTML to plain text with its headings kept as Markdown heading lines (`## Title`), so
 * the Markdown chunker gives every chunk its heading path. Scripts, styles and the head are
 * dropped; block elements and `<br>` become line breaks; list items become "- " lines; entities
 * are decoded (htmlparser2).
 */
export function htmlToText(html: string): { text: string; title?: string } {
  const out: string[] = [];
  let skipDepth = 0;
  let title: string | undefined;
  let inTitle = false;
  let heading: { level: number; text: string } | undefined;
  const newline = (n: number) => {
    const tail = out.join("").match(/\n*$/)![0].length;
    if (out.length > 0 && tail < n) out.push("\n".repeat(n - tail));
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (name === "title") inTitle = true;
        if (SKIP.has(name)) skipDepth++;
        if (skipDepth > 0) return;
        const h = HEADING.exec(name);
        if (h) {
          newline(2);
          heading = { level: Number(h[1]), text: "" };
        } else if (name === "br") out.push("\n");
        else if (name === "li") {
          newline(1);
          out.push("- ");
        } else if (BLOCK.has(name)) newline(2);
        else if (name === "td" || name === "th") out.push(" ");
      },
      ontext(data) {
        if (inTitle) title = (title ?? "") + data;
        if (skipDepth > 0) return;
        if (heading) heading.text += data;
        else out.push(data.replace(/[ \t\r\n]+/g, " "));
      },
      onclosetag(name) {
        if (name === "title") inTitle = false;
        if (SKIP.has(name)) {
          skipDepth = Math.max(0, skipDepth - 1);
          return;
        }
        if (skipDepth > 0) return;
        const h = HEADING.exec(name);
        if (h && heading) {
          const text = heading.text.replace(/\s+/g, " ").trim();
          if (text) out.push(`${"#".repeat(heading.level)} ${text}`);
          heading = undefined;
          newline(2);
        } else if (BLOCK.has(name) || name === "li") newline(name === "li" ? 1 : 2);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  const text = out
    .join("")
    .split("\n")
    .map((line) => line.replace(/^ +| +$/g, ""))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const cleanTitle = title?.replace(/\s+/g, " ").trim();
  return cleanTitle ? { text, title: cleanTitle } : { text };
}

/** Loads an HTML page as one document of its text (headings as Markdown lines); `<title>` becomes `metadata.title`. */
export function loadHtml(id: string, input: string | Uint8Array, metadata: Metadata = {}): RagDocument {
  const { text, title } = htmlToText(decodeText(id, input));
  const document = {
    id,
    text,
    metadata: title && metadata.title === undefined ? { title, ...metadata } : { ...metadata },
  };
  checkDocument(document);
  return document;
}
