// The one Luhn check lives with the PII engine in guard/.
export { luhnValid } from "../guard/checksums.js";
