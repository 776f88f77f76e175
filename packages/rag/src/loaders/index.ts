export { decodeText } from "./decode-text.js";
export { htmlToText, loadHtml } from "./html-loader.js";
export { loadMarkdown } from "./markdown-loader.js";
export { loadJson, loadJsonl, type RecordFields, recordToDocument } from "./records-loader.js";
export { loadText } from "./text-loader.js";
