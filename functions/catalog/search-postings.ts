/**
 * The stored form of a search index: vocabulary, per-term posting lists written as compact text and
 * decoded on first use. Apart from the index so the format reads on its own.
 */
/**
 * What is stored: ids, the sorted vocabulary, per term a flat list of (document, field mask), and per
 * document the length of its first field (the name) and the secondary variants that field names.
 */
export interface SerializedIndex {
  format: number;
  fields: string[];
  ids: string[];
  terms: string[];
  /**
   * Per term, its documents and field masks: in memory `[doc, mask, doc, mask…]`; serialized as text
   * ("delta.mask" in base 36, space-separated), decoded on a term's first use. Parsing text is several
   * times cheaper than parsing the same numbers as JSON arrays, and a cold start reads only the terms
   * its first queries touch.
   */
  postings: (number[] | string)[];
  lengths: number[];
  secondary: number[];
}

export function encodePosting(posting: readonly number[]): string {
  const out: string[] = [];
  let previous = 0;
  for (let i = 0; i < posting.length; i += 2) {
    out.push(`${(posting[i]! - previous).toString(36)}.${posting[i + 1]!.toString(36)}`);
    previous = posting[i]!;
  }
  return out.join(' ');
}

export function decodePosting(text: string): number[] {
  const out: number[] = [];
  let doc = 0;
  if (!text) return out;
  for (const pair of text.split(' ')) {
    const dot = pair.indexOf('.');
    doc += Number.parseInt(pair.slice(0, dot), 36);
    out.push(doc, Number.parseInt(pair.slice(dot + 1), 36));
  }
  return out;
}
