/** An inline (base64 `data`) or remote (`url`) media source, as image and file parts carry it. */
export interface MediaSource {
  mediaType: string;
  data?: string;
  url?: string;
}

/** The part's URL, or its inline data as a `data:` URL; undefined when it has neither. */
export function mediaUrlOf(part: MediaSource): string | undefined {
  if (part.data !== undefined)
    return part.data.startsWith("data:") ? part.data : dataUrl(part.mediaType, part.data);
  return part.url;
}

/** A base64 `data:` URL. */
export function dataUrl(mediaType: string, base64: string): string {
  return `data:${mediaType};base64,${base64}`;
}

/** The bare base64 payload of inline data, whether given raw or as a `data:` URL. */
export function base64Of(data: string): string {
  const comma = data.startsWith("data:") ? data.indexOf(",") : -1;
  return comma >= 0 ? data.slice(comma + 1) : data;
}
