// "@keel/core/guard/addresses": street addresses for the PII engine, a recognizer by function.
// Kept apart from "@keel/core/guard" so that its gazetteer and patterns (about 11 KB) reach a
// bundle only when asked for.
export { streetAddresses } from "./street-address.js";
