export * from "./flow-stores.js";
export * from "./cache-stores.js";
