// Lucene's SmallFloat.intToByte4 / byte4ToInt: document lengths kept in one byte, exact below
// 40 and with a 4-bit mantissa above. BM25Similarity scores with the decoded value.
const FREE_VALUES = 255 - longToInt4(2147483647);

function longToInt4(value: number): number {
  const bits = 32 - Math.clz32(value);
  if (bits < 4) return value;
  const shift = bits - 4;
  return ((value >>> shift) & 0x07) | ((shift + 1) << 3);
}

function int4ToLong(encoded: number): number {
  const bits = encoded & 0x07;
  const shift = (encoded >>> 3) - 1;
  return shift === -1 ? bits : (bits | 0x08) * 2 ** shift;
}

/** The document length Lucene's BM25 scores with after storing `length` in its one-byte norm. */
export function luceneLength(length: number): number {
  const byte = length < FREE_VALUES ? length : FREE_VALUES + longToInt4(length - FREE_VALUES);
  return byte < FREE_VALUES ? byte : FREE_VALUES + int4ToLong(byte - FREE_VALUES);
}
