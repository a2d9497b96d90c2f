// How deeply a JSON text nests, counted without parsing it. JSON.parse copes with any depth, but
// everything after it that walks the value (zod, JSON.stringify, flattening config into params)
// recurses and overflows the stack on a hostile file; such a file is refused before it is parsed.

/** Deeper than any real run.json or adapter_config.json (they nest 2–3 levels). */
export const MAX_JSON_DEPTH = 1000;

/** True when `text` opens more than `max` nested arrays/objects at some point (strings skipped). */
export function jsonNestsDeeper(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote, past escapes
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
