export { PRICE_SOURCE } from "./generated-prices.js";
export type { ModelInfo, ModelPricing } from "./model-info.js";
export { ModelRegistry, modelRegistry } from "./model-registry.js";
export { MODEL_DATA_VERSION, MODELS } from "./models.js";
