import { InvalidRequestError } from "@keel/core";

/** One field of a multipart/form-data body. */
export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  content: string;
}

/** Splits a multipart/form-data body (as text) into its parts; throws when it is not one. */
export function parseMultipart(body: string, contentType: string | undefined): MultipartPart[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? "");
  if (!boundary) throw new InvalidRequestError("keel test server: expected a multipart/form-data upload");
  const delimiter = `--${boundary[1] ?? boundary[2]}`;
  const parts: MultipartPart[] = [];
  for (const raw of body.split(delimiter).slice(1)) {
    if (raw.startsWith("--")) break;
    const headerEnd = raw.indexOf("\r\n\r\n");
    if (headerEnd < 0) continue;
    const headers = raw.slice(2, headerEnd);
    const disposition = /content-disposition:[^\r\n]*?name="([^"]*)"(?:; filename="([^"]*)")?/i.exec(headers);
    if (!disposition) continue;
    const type = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
    parts.push({
      name: disposition[1]!,
      ...(disposition[2] !== undefined ? { filename: disposition[2] } : {}),
      ...(type !== undefined ? { contentType: type } : {}),
      // The part ends with the CRLF that precedes the next delimiter.
      content: raw.slice(headerEnd + 4, raw.endsWith("\r\n") ? -2 : undefined),
    });
  }
  return parts;
}
