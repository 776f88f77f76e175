export { fileLineWriter, type LineWriter, streamLineWriter } from "../cli/line-writer.js";
export * from "./cache-stores.js";
export * from "./flow-stores.js";
