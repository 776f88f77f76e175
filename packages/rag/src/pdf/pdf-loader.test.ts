import { describe, expect, it } from "vitest";
import { recursiveChunker } from "../chunkers/recursive-chunker.js";
import { DocumentError } from "../errors.js";
import { loadPdf, pageOf } from "./pdf-loader.js";

/** A minimal PDF, one page per entry, each page's lines set in Helvetica, with a correct xref table. */
function makePdf(pages: string[][]): Uint8Array {
  const objects: string[] = ["<< /Type /Catalog /Pages 2 0 R >>", ""];
  const kids: string[] = [];
  for (const lines of pages) {
    const content = `BT /F1 12 Tf 72 720 Td ${lines.map((l, i) => `${i ? "0 -16 Td " : ""}(${l}) Tj`).join(" ")} ET`;
    const page = objects.length + 1;
    kids.push(`${page} 0 R`);
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents ${page + 1} 0 R /Resources << /Font << /F1 FONT 0 R >> >> >>`,
    );
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  }
  const font = objects.length + 1;
  objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  objects[1] = `<< /Type /Pages /Kids [${kids.join(" ")}] /Count ${pages.length} >>`;
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o.replace("FONT", String(font))}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

describe("loadPdf (unpdf)", () => {
  it("extracts each page's text and maps chunk offsets back to pages", async () => {
    const bytes = makePdf([
      ["Statins lower cholesterol.", "A second line."],
      ["Page two talks about sleep."],
    ]);
    const doc = await loadPdf("paper.pdf", bytes, { kind: "paper" });
    expect(doc.text).toBe("Statins lower cholesterol.\nA second line.\n\nPage two talks about sleep.");
    expect(doc.metadata).toEqual({ kind: "paper", pages: 2, pageStarts: [0, 43] });
    const chunks = await recursiveChunker({ chunkSize: 30, overlap: 0 }).chunk(doc);
    const sleep = chunks.find((c) => c.text.includes("sleep"))!;
    expect(pageOf(doc.metadata!, sleep.start)).toBe(2);
    expect(pageOf(doc.metadata!, chunks[0]!.start)).toBe(1);
  });

  it("refuses a corrupt PDF and one without text, naming the document", async () => {
    await expect(loadPdf("broken.pdf", new TextEncoder().encode("%PDF-1.4 garbage"))).rejects.toThrow(
      DocumentError,
    );
    await expect(loadPdf("broken.pdf", new TextEncoder().encode("not a pdf"))).rejects.toThrow(
      /"broken.pdf": is not a readable PDF/,
    );
    await expect(loadPdf("blank.pdf", makePdf([[]]))).rejects.toThrow(
      /"blank.pdf": the PDF has no extractable text/,
    );
  });
});
